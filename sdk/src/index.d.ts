import type { Client } from "openapi-fetch";
import type { components, operations, paths, webhooks } from "./schema";

export type { components, operations, paths, webhooks };

/** The client: `GET`, `POST`, `PUT`, `PATCH`, `DELETE` on the paths of /api/v1, typed end to end. */
export type ParleyClient = Client<paths>;

/** A resource as the API answers it, e.g. `Resource<"getConversationsById">`. */
export type Resource<Op extends keyof operations> = operations[Op]["responses"] extends { 200: { content: { "application/json": infer T } } }
  ? T
  : operations[Op]["responses"] extends { 201: { content: { "application/json": infer T } } }
    ? T
    : never;

/** The body of an outgoing webhook, e.g. `WebhookPayload<"message.created">`, from the document's webhooks section. */
export type WebhookPayload<Event extends keyof webhooks> = webhooks[Event] extends { post: { requestBody?: { content: { "application/json": infer T } } } } ? T : never;

/** The `{ error: { code, message } }` body of every 4xx. */
export type ParleyError = components["schemas"]["Error"];

export type ParleyClientOptions = {
  /** Your Parley Worker's origin, e.g. "https://support.example.com" (the client adds /api/v1). */
  baseUrl: string;
  /** An API key from the console's Administration → API keys; it belongs to one workspace. */
  apiKey: string;
  /** Another fetch, e.g. a Worker's service binding or a test double. */
  fetch?: (input: Request) => Promise<Response>;
  /** Sent with every request. */
  headers?: Record<string, string>;
};

export declare function createParleyClient(options: ParleyClientOptions): ParleyClient;

/** What a `user-token` carries; Parley verifies each claim (worker/auth/user-token.ts). Empty, null and undefined claims are left out. */
export type UserTokenClaims = {
  /** Your user's id: the contact's external id in Parley. */
  sub: string;
  email?: string;
  name?: string;
  /** The user's account (company, client) in your platform, by your own id. */
  account_id?: string;
  account_name?: string;
  /** An open request (ticket, case) in your platform that the chat is about. */
  request_id?: string;
  /** Custom attributes agents see as verified. */
  attributes?: Record<string, string | number | boolean>;
  /** Unix seconds; set by mintUserToken from lifetimeSeconds unless given. */
  exp?: number;
  iat?: number;
  nbf?: number;
};

export declare function mintUserToken(
  secret: string,
  claims: UserTokenClaims,
  options?: { lifetimeSeconds?: number; now?: number },
): Promise<string>;
