import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app";
import { signAttachmentLink } from "../../worker/attachments/signed-link";
import { dispatcherFor } from "../../worker/webhooks/emit";
import { quietRooms, remember } from "./console-fixtures";
import { BASE } from "./fixtures";
import {
  buildIntruder,
  buildVictim,
  closeSocket,
  EVIL_ORIGIN,
  expectRefusal,
  expiredCookie,
  send,
  settledState,
  signedHook,
  USER_ID,
  VICTIM_ORIGIN,
  workspaceState,
  type HeaderMap,
  type Intruder,
  type Victim,
  type WorkspaceState,
} from "./attack-helpers";

/**
 * How each route decides who gets in:
 * - agent / admin: the console's session cookie (admins only for Administration), same origin for changes;
 * - apiKey: `Authorization: Bearer` with a live key;
 * - visitorToken: the conversation token in `?token=`, from a page the channel allows;
 * - fileReader: a link signed for the file (the widget's), or an agent session of the file's workspace;
 * - channelPage: anyone, but only from a page on the channel's allowed origins (CORS);
 * - preflight: the CORS answer itself; signIn / signOut: same origin only;
 * - hookSignature: an HMAC over the body with the hook's own secret;
 * - loginLink: a one-time token an API key minted, posted from the console's own origin;
 * - public: pages and the API's description, which hold nothing of any workspace.
 */
type Guard =
  | "agent"
  | "admin"
  | "apiKey"
  | "visitorToken"
  | "fileReader"
  | "channelPage"
  | "preflight"
  | "signIn"
  | "signOut"
  | "hookSignature"
  | "loginLink"
  | "public";

type Probe = {
  guard: Guard;
  /** The path names no row of the victim (a list, a create, an upsert by the caller's own id): an outsider only works in their own workspace. */
  own?: true;
  socket?: true;
  /** Without the `?token=` of token routes, which each caller adds for itself. */
  path: (v: Victim) => string;
  body?: (v: Victim) => unknown;
  /** A file upload: bytes with the widget's upload headers. */
  upload?: true;
  /** Served in local development only (PARLEY_ENV=development): here it answers 404 to everyone, its owner too. */
  localOnly?: true;
};

const newKey = () => `k-${crypto.randomUUID().slice(0, 8)}`;
const message = (body = "hello") => ({ clientId: crypto.randomUUID(), body });
const conv = (v: Victim) => `/api/console/conversations/${v.a.conversation.id}`;
const hookEnvelope = () =>
  JSON.stringify({ id: `delivery-${crypto.randomUUID()}`, type: "contact.upsert", data: { externalId: "hooked", name: "Hooked", email: "hooked@example.com" } });

/**
 * Every route the Worker serves, with its guard and a request that the owner may make. A route
 * missing here fails the first test: add it with its guard, and the matrix below attacks it.
 * The owner's requests run in this order with deletions last, so keep destructive ones late.
 */
const ROUTES: Record<string, Probe> = {
  "OPTIONS /api/widget/channels/:key": { guard: "preflight", path: (v) => `/api/widget/channels/${v.ws.channelKey}` },
  "OPTIONS /api/widget/channels/:key/*": { guard: "preflight", path: (v) => `/api/widget/channels/${v.ws.channelKey}/conversations` },
  "OPTIONS /api/widget/conversations/:id/*": {
    guard: "preflight",
    path: (v) => `/api/widget/conversations/${v.a.conversation.id}/attachments?token=${encodeURIComponent(v.a.token)}`,
  },
  "GET /api/widget/channels/:key": { guard: "channelPage", path: (v) => `/api/widget/channels/${v.ws.channelKey}` },
  "GET /api/widget/channels/:key/faqs": { guard: "channelPage", path: (v) => `/api/widget/channels/${v.ws.channelKey}/faqs?q=refunds` },
  "POST /api/widget/channels/:key/conversations": {
    guard: "channelPage",
    path: (v) => `/api/widget/channels/${v.ws.channelKey}/conversations`,
    body: () => ({ name: "Pat", email: "pat@example.com", message: message() }),
  },
  "POST /api/widget/channels/:key/tickets": {
    guard: "channelPage",
    path: (v) => `/api/widget/channels/${v.ws.channelKey}/tickets`,
    body: () => ({ name: "Pat", email: "pat@example.com", question: "Call me" }),
  },
  "POST /api/widget/channels/:key/threads": {
    guard: "channelPage",
    path: (v) => `/api/widget/channels/${v.ws.channelKey}/threads`,
    body: (v) => ({ identity: { userId: USER_ID, userHash: v.userHash } }),
  },
  "GET /api/widget/conversations/:id/socket": { guard: "visitorToken", socket: true, path: (v) => `/api/widget/conversations/${v.a.conversation.id}/socket` },
  "POST /api/widget/conversations/:id/attachments": {
    guard: "visitorToken",
    upload: true,
    path: (v) => `/api/widget/conversations/${v.a.conversation.id}/attachments`,
  },
  "POST /api/widget/conversations/:id/token": { guard: "visitorToken", path: (v) => `/api/widget/conversations/${v.a.conversation.id}/token` },
  "GET /api/widget/conversations/:id/attachments/:attachmentId/link": {
    guard: "visitorToken",
    path: (v) => `/api/widget/conversations/${v.a.conversation.id}/attachments/${v.attachmentId}/link`,
  },
  "POST /api/v1/conversations/:id/revoke-visitor-tokens": {
    guard: "apiKey",
    path: (v) => `/api/v1/conversations/${v.b.conversation.id}/revoke-visitor-tokens`,
  },

  "POST /api/console/session": { guard: "signIn", path: () => "/api/console/session", body: (v) => ({ email: v.ws.agentEmail, password: "correct horse battery" }) },
  "GET /api/console/me": { guard: "agent", own: true, path: () => "/api/console/me" },
  "GET /api/console/agents": { guard: "agent", own: true, path: () => "/api/console/agents" },
  "GET /api/console/conversations": { guard: "agent", own: true, path: () => "/api/console/conversations?filter=all" },
  "POST /api/console/conversations": {
    guard: "agent",
    own: true,
    path: () => "/api/console/conversations",
    body: (v) => ({ channelId: v.ws.channelId, contact: { name: "Cy", email: "cy@example.com" }, subject: "Hello", message: message() }),
  },
  "GET /api/console/conversations/:id": { guard: "agent", path: conv },
  "GET /api/console/conversations/:id/context": { guard: "agent", path: (v) => `${conv(v)}/context` },
  "GET /api/console/conversations/:id/transcript.txt": { guard: "agent", path: (v) => `${conv(v)}/transcript.txt` },
  "GET /api/console/conversations/:id/socket": { guard: "agent", socket: true, path: (v) => `${conv(v)}/socket` },
  "POST /api/console/conversations/:id/read": { guard: "agent", path: (v) => `${conv(v)}/read`, body: () => ({ seq: 1 }) },
  "PATCH /api/console/conversations/:id": { guard: "agent", path: conv, body: () => ({ archived: true }) },
  "POST /api/console/conversations/:id/transcript": { guard: "agent", path: (v) => `${conv(v)}/transcript`, body: () => ({ to: "thief@example.com" }) },
  "POST /api/console/conversations/:id/notify-admins": { guard: "agent", path: (v) => `${conv(v)}/notify-admins`, body: () => ({ note: "look" }) },
  "GET /api/console/conversations/:id/attachments": { guard: "agent", path: (v) => `${conv(v)}/attachments` },
  "POST /api/console/conversations/:id/attachments": { guard: "agent", upload: true, path: (v) => `${conv(v)}/attachments` },
  "POST /api/console/conversations/:id/end": { guard: "agent", path: (v) => `${conv(v)}/end` },
  "GET /api/console/accounts": { guard: "agent", own: true, path: () => "/api/console/accounts" },
  "POST /api/console/accounts": { guard: "agent", own: true, path: () => "/api/console/accounts", body: () => ({ name: "Mole Ltd" }) },
  "GET /api/console/accounts/:id": { guard: "agent", path: (v) => `/api/console/accounts/${v.accountId}` },
  "PATCH /api/console/accounts/:id": { guard: "agent", path: (v) => `/api/console/accounts/${v.accountId}`, body: () => ({ name: "Stolen" }) },
  "POST /api/console/accounts/:id/contacts": {
    guard: "agent",
    path: (v) => `/api/console/accounts/${v.accountId}/contacts`,
    body: () => ({ name: "Mole", email: "mole@example.com" }),
  },
  "GET /api/console/notifications": { guard: "agent", own: true, path: () => "/api/console/notifications" },
  "GET /api/console/channels": { guard: "agent", own: true, path: () => "/api/console/channels" },
  "POST /api/console/conversations/bulk": {
    guard: "agent",
    own: true,
    path: () => "/api/console/conversations/bulk",
    body: (v) => ({ conversationIds: [v.bulkTargetId], action: { type: "archive" } }),
  },
  "GET /api/console/canned-responses": { guard: "agent", own: true, path: () => "/api/console/canned-responses" },
  "POST /api/console/canned-responses": {
    guard: "agent",
    own: true,
    path: () => "/api/console/canned-responses",
    body: () => ({ shortcut: newKey(), title: "Mine", body: "My words" }),
  },
  "PATCH /api/console/canned-responses/:id": {
    guard: "agent",
    path: (v) => `/api/console/canned-responses/${v.cannedResponseId}`,
    body: () => ({ body: "Rewritten by someone else" }),
  },
  "GET /api/console/conversations/:id/emails/:clientId": { guard: "agent", path: (v) => `${conv(v)}/emails/${v.emailClientId}` },
  "GET /api/console/conversations/:id/replies": { guard: "agent", path: (v) => `${conv(v)}/replies` },
  "GET /api/console/labels": { guard: "agent", own: true, path: () => "/api/console/labels" },
  "POST /api/console/labels": { guard: "admin", own: true, path: () => "/api/console/labels", body: () => ({ name: newKey(), color: "#123456" }) },
  "PATCH /api/console/labels/:id": { guard: "admin", path: (v) => `/api/console/labels/${v.labelId}`, body: () => ({ color: "#000000" }) },
  "POST /api/console/conversations/:id/labels": { guard: "agent", path: (v) => `${conv(v)}/labels`, body: (v) => ({ labelId: v.labelId }) },
  "GET /api/console/reports": { guard: "agent", own: true, path: () => "/api/console/reports" },
  "GET /api/console/reports/daily.csv": { guard: "agent", own: true, path: () => "/api/console/reports/daily.csv" },
  "GET /api/console/reports/conversations.csv": { guard: "agent", own: true, path: () => "/api/console/reports/conversations.csv" },
  "GET /api/console/reports/settings": { guard: "agent", own: true, path: () => "/api/console/reports/settings" },
  "PUT /api/console/reports/settings": {
    guard: "admin",
    own: true,
    path: () => "/api/console/reports/settings",
    body: () => ({ timeZone: "Europe/Helsinki", agentReports: "own" }),
  },
  "GET /api/console/channels/:channelId/lobby": { guard: "agent", socket: true, path: (v) => `/api/console/channels/${v.ws.channelId}/lobby` },

  "GET /api/console/admin/channels": { guard: "admin", own: true, path: () => "/api/console/admin/channels" },
  "POST /api/console/admin/channels": { guard: "admin", own: true, path: () => "/api/console/admin/channels", body: () => ({ key: newKey(), name: "New" }) },
  "GET /api/console/admin/channels/:id": { guard: "admin", path: (v) => `/api/console/admin/channels/${v.ws.channelId}` },
  "PUT /api/console/admin/channels/:id": {
    guard: "admin",
    path: (v) => `/api/console/admin/channels/${v.ws.channelId}`,
    body: (v) => ({ key: v.ws.channelKey, name: "Taken over", allowedOrigins: ["*"], config: { ticketSubmission: true } }),
  },
  "POST /api/console/admin/channels/:id/identity-secret": { guard: "admin", path: (v) => `/api/console/admin/channels/${v.ws.channelId}/identity-secret` },
  "GET /api/console/admin/faqs": { guard: "admin", own: true, path: () => "/api/console/admin/faqs" },
  "POST /api/console/admin/faqs": { guard: "admin", own: true, path: () => "/api/console/admin/faqs", body: () => ({ question: "Q?", answer: "A." }) },
  "PUT /api/console/admin/faqs/:id": { guard: "admin", path: (v) => `/api/console/admin/faqs/${v.faqId}`, body: () => ({ question: "Changed?", answer: "Yes." }) },
  "GET /api/console/admin/agents": { guard: "admin", own: true, path: () => "/api/console/admin/agents" },
  "POST /api/console/admin/agents": {
    guard: "admin",
    own: true,
    path: () => "/api/console/admin/agents",
    body: () => ({ name: "Intruder", email: `${newKey()}@example.com`, role: "admin", password: "long enough password" }),
  },
  "PUT /api/console/admin/agents/:id": { guard: "admin", path: (v) => `/api/console/admin/agents/${v.plain.agentId}`, body: () => ({ name: "Renamed", role: "admin" }) },
  "GET /api/console/admin/agents/routing": { guard: "admin", own: true, path: () => "/api/console/admin/agents/routing" },
  "PUT /api/console/admin/agents/:id/routing": {
    guard: "admin",
    path: (v) => `/api/console/admin/agents/${v.plain.agentId}/routing`,
    body: () => ({ capacity: 1, paused: true }),
  },
  "PUT /api/console/admin/agents/:id/password": {
    guard: "admin",
    path: (v) => `/api/console/admin/agents/${v.plain.agentId}/password`,
    body: () => ({ password: "taken over password" }),
  },
  "GET /api/console/admin/teams": { guard: "admin", own: true, path: () => "/api/console/admin/teams" },
  "POST /api/console/admin/teams": { guard: "admin", own: true, path: () => "/api/console/admin/teams", body: () => ({ name: newKey(), memberIds: [] }) },
  "PUT /api/console/admin/teams/:id": { guard: "admin", path: (v) => `/api/console/admin/teams/${v.teamId}`, body: () => ({ name: newKey(), memberIds: [] }) },
  "GET /api/console/admin/api-keys": { guard: "admin", own: true, path: () => "/api/console/admin/api-keys" },
  "POST /api/console/admin/api-keys": { guard: "admin", own: true, path: () => "/api/console/admin/api-keys", body: () => ({ name: "Sneaky" }) },
  "POST /api/console/admin/api-keys/:id/revoke": { guard: "admin", path: (v) => `/api/console/admin/api-keys/${v.apiKeyId}/revoke` },
  "GET /api/console/admin/emails": { guard: "admin", own: true, path: () => "/api/console/admin/emails" },
  "GET /api/console/admin/retention": { guard: "admin", own: true, path: () => "/api/console/admin/retention" },
  "PUT /api/console/admin/retention": { guard: "admin", own: true, path: () => "/api/console/admin/retention", body: () => ({ days: 14 }) },
  "GET /api/console/admin/emails/:id": { guard: "admin", path: (v) => `/api/console/admin/emails/${v.emailId}` },
  "GET /api/console/admin/inbound-emails": { guard: "admin", own: true, path: () => "/api/console/admin/inbound-emails" },
  "POST /api/console/admin/emails/:id/simulate-reply": {
    guard: "admin",
    localOnly: true,
    path: (v) => `/api/console/admin/emails/${v.emailId}/simulate-reply`,
    body: () => ({ text: "I am the customer now" }),
  },

  "GET /healthz": { guard: "public", path: () => "/healthz" },
  "GET /console/login": { guard: "public", path: () => "/console/login?token=not-a-real-token-but-long-enough-to-look" },
  "POST /console/login": { guard: "loginLink", path: () => "/console/login" },
  "POST /api/v1/login-links": { guard: "apiKey", own: true, path: () => "/api/v1/login-links", body: (v) => ({ email: v.ws.agentEmail }) },
  "GET /api/v1/openapi.json": { guard: "public", path: () => "/api/v1/openapi.json" },
  "GET /api/v1/docs": { guard: "public", path: () => "/api/v1/docs" },
  "GET /api/v1/conversations": { guard: "apiKey", own: true, path: () => "/api/v1/conversations" },
  "POST /api/v1/conversations": {
    guard: "apiKey",
    own: true,
    path: () => "/api/v1/conversations",
    body: () => ({ contact: { name: "Api Ann", email: "ann@example.com" }, message: "From the API" }),
  },
  "GET /api/v1/conversations/:id": { guard: "apiKey", path: (v) => `/api/v1/conversations/${v.b.conversation.id}` },
  "GET /api/v1/conversations/:id/attributes": { guard: "apiKey", path: (v) => `/api/v1/conversations/${v.b.conversation.id}/attributes` },
  "PUT /api/v1/conversations/:id/attributes": {
    guard: "apiKey",
    path: (v) => `/api/v1/conversations/${v.b.conversation.id}/attributes`,
    body: () => ({ plan: "planted" }),
  },
  "PATCH /api/v1/conversations/:id": { guard: "apiKey", path: (v) => `/api/v1/conversations/${v.b.conversation.id}`, body: () => ({ archived: true }) },
  "GET /api/v1/conversations/:id/messages": { guard: "apiKey", path: (v) => `/api/v1/conversations/${v.b.conversation.id}/messages` },
  "POST /api/v1/conversations/:id/messages": {
    guard: "apiKey",
    path: (v) => `/api/v1/conversations/${v.b.conversation.id}/messages`,
    body: () => ({ body: "planted", author: "agent" }),
  },
  "GET /api/v1/conversations/:id/transcript": { guard: "apiKey", path: (v) => `/api/v1/conversations/${v.b.conversation.id}/transcript` },
  "GET /api/v1/conversations/:id/transcript.txt": { guard: "apiKey", path: (v) => `/api/v1/conversations/${v.b.conversation.id}/transcript.txt` },
  // Read before the upserts below, which give the outsider an account and contact of its own under these ids.
  "GET /api/v1/accounts/:externalId": { guard: "apiKey", path: () => "/api/v1/accounts/acct-ext-1" },
  "GET /api/v1/contacts/:externalId": { guard: "apiKey", path: () => "/api/v1/contacts/cust-ext-1" },
  "GET /api/v1/contacts/:externalId/attributes": { guard: "apiKey", path: () => "/api/v1/contacts/cust-ext-1/attributes" },
  "PUT /api/v1/contacts/:externalId/attributes": { guard: "apiKey", path: () => "/api/v1/contacts/cust-ext-1/attributes", body: () => ({ plan: "planted" }) },
  "PUT /api/v1/accounts/:externalId": { guard: "apiKey", own: true, path: () => "/api/v1/accounts/acct-ext-1", body: () => ({ name: "Renamed account" }) },
  "PUT /api/v1/contacts/:externalId": {
    guard: "apiKey",
    own: true,
    path: () => "/api/v1/contacts/cust-ext-1",
    body: () => ({ name: "Renamed contact", email: "renamed@example.com" }),
  },
  "GET /api/v1/tickets": { guard: "apiKey", own: true, path: () => "/api/v1/tickets" },
  "POST /api/v1/tickets": {
    guard: "apiKey",
    own: true,
    path: () => "/api/v1/tickets",
    body: () => ({ contact: { name: "Tom", email: "tom@example.com" }, question: "Where is it?" }),
  },
  "GET /api/v1/tickets/:id": { guard: "apiKey", path: (v) => `/api/v1/tickets/${v.ticketId}` },
  "POST /api/v1/webhooks": {
    guard: "apiKey",
    own: true,
    path: () => "/api/v1/webhooks",
    body: () => ({ url: "https://receiver.invalid/other", events: ["conversation.deleted"] }),
  },
  "GET /api/v1/webhooks": { guard: "apiKey", own: true, path: () => "/api/v1/webhooks" },
  // Before the PATCH below disables the endpoint: a disabled one takes no test event.
  "POST /api/v1/webhooks/:id/test": { guard: "apiKey", path: (v) => `/api/v1/webhooks/${v.webhookId}/test` },
  "PATCH /api/v1/webhooks/:id": { guard: "apiKey", path: (v) => `/api/v1/webhooks/${v.webhookId}`, body: () => ({ enabled: false }) },
  "GET /api/v1/webhooks/:id/deliveries": { guard: "apiKey", path: (v) => `/api/v1/webhooks/${v.webhookId}/deliveries` },
  "POST /api/v1/webhooks/:id/rotate-secret": {
    guard: "apiKey",
    path: (v) => `/api/v1/webhooks/${v.webhookId}/rotate-secret`,
    body: () => ({ overlapSeconds: 60 }),
  },
  "POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver": {
    guard: "apiKey",
    path: (v) => `/api/v1/webhooks/${v.webhookId}/deliveries/${v.deliveryId}/redeliver`,
  },
  "POST /api/v1/inbound-hooks": { guard: "apiKey", own: true, path: () => "/api/v1/inbound-hooks", body: () => ({ name: "Another" }) },
  "GET /api/v1/inbound-hooks": { guard: "apiKey", own: true, path: () => "/api/v1/inbound-hooks" },

  "GET /api/v1/reports/summary": { guard: "apiKey", own: true, path: () => "/api/v1/reports/summary" },
  "GET /api/v1/reports/daily.csv": { guard: "apiKey", own: true, path: () => "/api/v1/reports/daily.csv" },
  "GET /api/v1/reports/conversations.csv": { guard: "apiKey", own: true, path: () => "/api/v1/reports/conversations.csv" },
  "GET /api/v1/labels": { guard: "apiKey", own: true, path: () => "/api/v1/labels" },
  "POST /api/v1/labels": { guard: "apiKey", own: true, path: () => "/api/v1/labels", body: () => ({ name: newKey(), color: "#654321" }) },
  "GET /api/v1/conversations/:id/labels": { guard: "apiKey", path: (v) => `/api/v1/conversations/${v.b.conversation.id}/labels` },
  "POST /api/v1/conversations/:id/labels": {
    guard: "apiKey",
    path: (v) => `/api/v1/conversations/${v.b.conversation.id}/labels`,
    body: (v) => ({ labelId: v.labelId }),
  },
  "GET /api/v1/canned-responses": { guard: "apiKey", own: true, path: () => "/api/v1/canned-responses" },
  "POST /api/v1/canned-responses": {
    guard: "apiKey",
    own: true,
    path: () => "/api/v1/canned-responses",
    body: () => ({ shortcut: newKey(), title: "From the API", body: "Saved words" }),
  },
  "GET /api/v1/canned-responses/:id": { guard: "apiKey", path: (v) => `/api/v1/canned-responses/${v.cannedResponseId}` },
  "PATCH /api/v1/canned-responses/:id": { guard: "apiKey", path: (v) => `/api/v1/canned-responses/${v.cannedResponseId}`, body: () => ({ title: "Taken" }) },

  "GET /api/attachments/:conversationId/:attachmentId": { guard: "fileReader", path: (v) => `/api/attachments/${v.a.conversation.id}/${v.attachmentId}` },
  "POST /hooks/:id": { guard: "hookSignature", path: (v) => `/hooks/${v.hook.id}` },
  "GET /": { guard: "public", path: () => "/" },
  "GET /console": { guard: "public", path: () => "/console" },
  "GET /widget*": { guard: "public", path: () => "/widget.js" },

  "DELETE /api/console/conversations/:id/attachments/:attachmentId": { guard: "agent", path: (v) => `${conv(v)}/attachments/${v.attachmentId}` },
  "DELETE /api/console/accounts/:id/contacts/:contactId": { guard: "agent", path: (v) => `/api/console/accounts/${v.accountId}/contacts/${v.contactId}` },
  "DELETE /api/console/admin/channels/:id/identity-secret": { guard: "admin", path: (v) => `/api/console/admin/channels/${v.ws.channelId}/identity-secret` },
  "DELETE /api/console/admin/faqs/:id": { guard: "admin", path: (v) => `/api/console/admin/faqs/${v.faqId}` },
  "DELETE /api/console/admin/agents/:id": { guard: "admin", path: (v) => `/api/console/admin/agents/${v.plain.agentId}` },
  "DELETE /api/console/admin/teams/:id": { guard: "admin", path: (v) => `/api/console/admin/teams/${v.teamId}` },
  "DELETE /api/console/canned-responses/:id": { guard: "agent", path: (v) => `/api/console/canned-responses/${v.cannedResponseId}` },
  "DELETE /api/console/conversations/:id/labels/:labelId": { guard: "agent", path: (v) => `${conv(v)}/labels/${v.labelId}` },
  "DELETE /api/v1/conversations/:id/labels/:labelId": { guard: "apiKey", path: (v) => `/api/v1/conversations/${v.a.conversation.id}/labels/${v.labelId}` },
  "DELETE /api/v1/canned-responses/:id": { guard: "apiKey", path: (v) => `/api/v1/canned-responses/${v.apiCannedResponseId}` },
  "DELETE /api/console/labels/:id": { guard: "admin", path: (v) => `/api/console/labels/${v.labelId}` },
  "DELETE /api/v1/webhooks/:id": { guard: "apiKey", path: (v) => `/api/v1/webhooks/${v.webhookId}` },
  "DELETE /api/v1/inbound-hooks/:id": { guard: "apiKey", path: (v) => `/api/v1/inbound-hooks/${v.hook.id}` },
  "DELETE /api/v1/conversations/:id": { guard: "apiKey", path: (v) => `/api/v1/conversations/${v.b.conversation.id}` },
  "DELETE /api/console/conversations/:id": { guard: "admin", path: conv },
  "POST /api/console/notifications/sign-in/seen": { guard: "agent", own: true, path: () => "/api/console/notifications/sign-in/seen", body: () => ({}) },
  // Late: it ends the caller's other sessions (the same password again keeps sign-in working).
  "POST /api/console/me/password": {
    guard: "agent",
    own: true,
    path: () => "/api/console/me/password",
    body: () => ({ currentPassword: "correct horse battery", newPassword: "correct horse battery" }),
  },
  "DELETE /api/console/session": { guard: "signOut", path: () => "/api/console/session" },
  // Last: it ends every session of the caller, so nothing after it could use them.
  "DELETE /api/console/sessions": { guard: "agent", own: true, path: () => "/api/console/sessions" },
};

type Attempt = { who: string; headers: HeaderMap; token?: string; statuses: number[] | "own" };

/** Everything an attacker might try against a route with this guard, and what each must get. */
function attempts(probe: Probe, method: string, v: Victim, x: Intruder, expired: string): Attempt[] {
  const changes = method !== "GET" || probe.socket === true;
  const outsider = probe.own ? "own" : [404];
  const console = (cookie: string, origin = BASE) => ({ cookie, origin });
  switch (probe.guard) {
    case "agent":
    case "admin":
      return [
        { who: "no credentials", headers: {}, statuses: [401] },
        { who: "a forged session", headers: console("parley_session=forged"), statuses: [401] },
        { who: "the owner's expired session", headers: console(expired), statuses: [401] },
        { who: "an agent of another workspace", headers: console(x.cookie), statuses: outsider },
        ...(probe.guard === "admin" ? [{ who: "a plain agent of the workspace", headers: console(v.plain.cookie), statuses: [403] }] : []),
        ...(changes ? [{ who: "the owner's cookie from another site (CSRF)", headers: console(v.cookie, EVIL_ORIGIN), statuses: [403] }] : []),
      ];
    case "apiKey":
      return [
        { who: "no credentials", headers: {}, statuses: [401] },
        { who: "a wrong key", headers: { authorization: "Bearer key-that-does-not-exist" }, statuses: [401] },
        { who: "the key in another scheme", headers: { authorization: `Basic ${btoa(`${v.ws.apiKey}:`)}` }, statuses: [401] },
        { who: "a revoked key of the workspace", headers: { authorization: `Bearer ${v.revokedKey}` }, statuses: [401] },
        { who: "another workspace's key", headers: { authorization: `Bearer ${x.ws.apiKey}` }, statuses: outsider },
      ];
    case "visitorToken":
      return [
        { who: "no token", headers: { origin: VICTIM_ORIGIN }, statuses: [401] },
        { who: "a forged token", headers: { origin: VICTIM_ORIGIN }, token: "eyJ2IjoxfQ.c2lnbmF0dXJl", statuses: [401] },
        { who: "another visitor's token", headers: { origin: VICTIM_ORIGIN }, token: v.b.token, statuses: [401] },
        { who: "another workspace's token", headers: { origin: VICTIM_ORIGIN }, token: x.token, statuses: [401] },
        { who: "the visitor's token on another site", headers: { origin: EVIL_ORIGIN }, token: v.a.token, statuses: [403] },
      ];
    case "fileReader":
      return [
        { who: "nothing", headers: {}, statuses: [401] },
        { who: "the visitor's own conversation token", headers: {}, token: v.a.token, statuses: [401] },
        { who: "another visitor's token", headers: {}, token: v.b.token, statuses: [401] },
        { who: "another workspace's token", headers: {}, token: x.token, statuses: [401] },
        { who: "an agent of another workspace", headers: { cookie: x.cookie }, statuses: [404] },
        { who: "the owner's expired session", headers: { cookie: expired }, statuses: [401] },
      ];
    case "channelPage":
      return [
        { who: "a page on another site", headers: { origin: EVIL_ORIGIN }, statuses: [403] },
        { who: "no page at all", headers: {}, statuses: [403] },
      ];
    case "signIn":
      return [
        { who: "a sign-in form on another site", headers: { origin: EVIL_ORIGIN }, statuses: [403] },
        { who: "a wrong password", headers: { origin: BASE }, statuses: [401] },
      ];
    case "signOut":
      return [{ who: "a sign-out from another site", headers: console(v.cookie, EVIL_ORIGIN), statuses: [403] }];
    case "hookSignature":
      return [
        { who: "no signature", headers: { "content-type": "application/json" }, statuses: [401] },
        { who: "another hook's secret", headers: {}, statuses: [401] },
        { who: "a signature five minutes and more old", headers: {}, statuses: [401] },
      ];
    case "loginLink":
      return [
        { who: "a link posted from another site (login CSRF)", headers: { origin: EVIL_ORIGIN }, statuses: [403] },
        { who: "a forged token", headers: { origin: BASE }, statuses: [410] },
      ];
    case "preflight":
    case "public":
      return [];
  }
}

async function attemptRequest(route: string, probe: Probe, attempt: Attempt, v: Victim, x: Intruder): Promise<Response> {
  const [method] = route.split(" ") as [string];
  let path = probe.path(v);
  if (attempt.token !== undefined) path += `${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(attempt.token)}`;
  const headers: HeaderMap = { ...attempt.headers, ...(probe.socket ? { upgrade: "websocket" } : {}) };
  if (probe.guard === "hookSignature") {
    const body = hookEnvelope();
    if (attempt.who === "another hook's secret") Object.assign(headers, await signedHook(x.hook.secret, body));
    if (attempt.who.startsWith("a signature five")) Object.assign(headers, await signedHook(v.hook.secret, body, Math.floor(Date.now() / 1000) - 301));
    return send(method, path, headers, body);
  }
  if (probe.guard === "signIn" && attempt.who === "a wrong password") return send(method, path, headers, { email: v.ws.agentEmail, password: "guess" });
  if (probe.upload) return send(method, path, { ...headers, ...uploadHeaders() }, "planted bytes");
  if (probe.guard === "loginLink") return send(method, path, { ...headers, "content-type": "application/x-www-form-urlencoded" }, `token=${"f".repeat(43)}`);
  return send(method, path, headers, probe.body?.(v));
}

const uploadHeaders = () => ({ "content-type": "text/plain", "x-parley-client-id": crypto.randomUUID(), "x-parley-filename": "planted.txt" });

/** What of the victim must never show in an answer to someone else. */
function secretsOf(v: Victim): string[] {
  return [
    v.ws.workspaceId,
    v.ws.agentEmail,
    v.a.conversation.id,
    v.b.conversation.id,
    v.accountId,
    v.contactId,
    v.faqId,
    v.teamId,
    v.ticketId,
    v.webhookId,
    v.hook.id,
    v.labelId,
    v.cannedResponseId,
    v.apiCannedResponseId,
    "Victim label",
    "Victim's saved words",
    "private question",
    "emailed words",
    "Victim Ltd",
  ];
}

/** The owner's own request to the route: it must get in. */
async function ownerRequest(route: string, probe: Probe, v: Victim): Promise<Response> {
  const [method] = route.split(" ") as [string];
  const path = probe.path(v);
  switch (probe.guard) {
    case "agent":
    case "admin":
      return send(method, path, { cookie: v.cookie, origin: BASE, ...(probe.socket ? { upgrade: "websocket" } : {}), ...(probe.upload ? uploadHeaders() : {}) }, probe.upload ? "bytes" : probe.body?.(v));
    case "signOut":
      return send(method, path, { cookie: v.plain.cookie, origin: BASE });
    case "apiKey":
      return send(method, path, { authorization: `Bearer ${v.ws.apiKey}` }, probe.body?.(v));
    case "visitorToken": {
      const tokenPath = `${path}?token=${encodeURIComponent(v.a.token)}`;
      const headers = { origin: VICTIM_ORIGIN, ...(probe.socket ? { upgrade: "websocket" } : {}), ...(probe.upload ? uploadHeaders() : {}) };
      return send(method, tokenPath, headers, probe.upload ? "bytes" : undefined);
    }
    case "fileReader": {
      const file = { workspaceId: v.ws.workspaceId, conversationId: v.a.conversation.id, attachmentId: v.attachmentId };
      return send(method, (await signAttachmentLink(env.TOKEN_SECRET, file)).url);
    }
    case "channelPage":
    case "signIn":
      return send(method, path, { origin: probe.guard === "signIn" ? BASE : VICTIM_ORIGIN }, probe.body?.(v));
    case "preflight":
      return send(method, path, { origin: VICTIM_ORIGIN, "access-control-request-method": "POST" });
    case "hookSignature": {
      const body = hookEnvelope();
      return send(method, path, await signedHook(v.hook.secret, body), body);
    }
    case "loginLink": {
      const minted = (await (await send("POST", "/api/v1/login-links", { authorization: `Bearer ${v.ws.apiKey}` }, { email: v.ws.agentEmail })).json()) as { url: string };
      const token = new URL(minted.url).searchParams.get("token")!;
      return send(method, path, { origin: BASE, "content-type": "application/x-www-form-urlencoded" }, `token=${token}`);
    }
    case "public":
      return send(method, path);
  }
}

const served = app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`);

describe("every route the Worker serves has a guard", () => {
  it("is listed in the attack matrix (a new route without an entry here fails)", () => {
    const unlisted = served.filter((r) => !(r in ROUTES));
    expect(unlisted, "add these to ROUTES in test/workers/attack-routes.test.ts with their guard").toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !served.includes(r)), "routes listed here that the Worker no longer serves").toEqual([]);
  });
});

describe("the attack matrix: only the owner gets in, and a refused attempt changes nothing", () => {
  let v: Victim;
  let x: Intruder;
  let expired: string;
  let before: WorkspaceState;

  beforeAll(async () => {
    [v, x] = await Promise.all([buildVictim(), buildIntruder()]);
    expired = await expiredCookie(v.ws);
    for (const id of [v.a.conversation.id, v.b.conversation.id, x.conversationId]) remember(id);
    before = await settledState(v.ws.workspaceId);
  }, 30_000);
  afterAll(quietRooms);

  const attacked = Object.entries(ROUTES).filter(([, p]) => p.guard !== "public" && p.guard !== "preflight");
  it.each(attacked)("%s", async (route, probe) => {
    const [method] = route.split(" ") as [string];
    for (const attempt of attempts(probe, method, v, x, expired)) {
      const res = await attemptRequest(route, probe, attempt, v, x);
      const what = `${route} by ${attempt.who}`;
      expect(res.status, `${what}: no socket for outsiders`).not.toBe(101);
      if (attempt.statuses === "own") {
        const text = await res.text();
        expect(res.status, `${what}: ${text.slice(0, 300)}`).toBeLessThan(500);
        for (const secret of secretsOf(v)) expect(text, `${what} shows the victim's data`).not.toContain(secret);
      } else if (probe.guard === "loginLink" && attempt.statuses[0] === 410) {
        // A person's page, not an API: the refusal is HTML that says what to do, and it signs nobody in.
        expect(res.status, what).toBe(410);
        expect(res.headers.get("set-cookie"), what).toBeNull();
      } else {
        await expectRefusal(res, attempt.statuses, what);
      }
    }
    expect(await workspaceState(v.ws.workspaceId), `${route}: the victim's workspace changed`).toEqual(before);
  });

  it("CORS preflights answer only the channel's own pages", async () => {
    for (const [route, probe] of Object.entries(ROUTES).filter(([, p]) => p.guard === "preflight")) {
      const res = await send("OPTIONS", probe.path(v), { origin: EVIL_ORIGIN, "access-control-request-method": "POST" });
      if (res.status === 204) expect(res.headers.get("access-control-allow-origin"), route).toBeNull();
      else await expectRefusal(res, [403], route);
      const tokenless = await send("OPTIONS", probe.path(v).replace(/\?token=.*$/, ""), { origin: EVIL_ORIGIN });
      expect(tokenless.headers.get("access-control-allow-origin"), `${route} without a token`).toBeNull();
    }
  });
});

describe("the owner gets in through every guarded route", () => {
  afterEach(() => vi.restoreAllMocks());

  it("each route answers its owner without a refusal", async () => {
    // The owner's redelivery goes out at once; the receiver stands in for the integrator's server.
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) =>
      String(input instanceof Request ? input.url : input).startsWith("https://receiver.invalid/")
        ? Promise.resolve(new Response("ok"))
        : realFetch(input, init),
    );
    const v = await buildVictim();
    for (const id of [v.a.conversation.id, v.b.conversation.id]) remember(id);
    const order = Object.entries(ROUTES).sort(([a], [b]) => Number(a.startsWith("DELETE")) - Number(b.startsWith("DELETE")));
    for (const [route, probe] of order) {
      const res = await ownerRequest(route, probe, v);
      const text = /json|text/.test(res.headers.get("content-type") ?? "") ? await res.text() : `(${res.status} ${res.webSocket ? "socket" : "bytes"})`;
      closeSocket(res);
      if (probe.localOnly) {
        expect(res.status, `${route} outside development`).toBe(404);
        continue;
      }
      expect(res.status, `${route}: ${text.slice(0, 300)}`).toBeLessThan(400);
      if (probe.guard === "preflight") expect(res.headers.get("access-control-allow-origin"), route).toBe(VICTIM_ORIGIN);
    }
    await quietRooms();
    // The redelivery the owner asked for would go out on the endpoint's alarm, after this test.
    await runInDurableObject(dispatcherFor(env, v.ws.workspaceId, v.webhookId), (_o, state) => state.storage.deleteAlarm());
  }, 30_000);
});
