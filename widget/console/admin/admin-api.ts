import type {
  AdminAgentList,
  AdminAgentResponse,
  AdminChannelList,
  AdminChannelResponse,
  AdminFaqList,
  AdminFaqResponse,
  ApiKeyList,
  ApiKeyResponse,
  CreateAgentRequest,
  CreateApiKeyResponse,
  CreateChannelRequest,
  FaqInput,
  IdentitySecretResponse,
  InboundEmailList,
  OutboxEmailResponse,
  OutboxList,
  SimulateReplyResponse,
  TeamInput,
  TeamList,
  TeamResponse,
  UpdateAgentRequest,
  UpdateChannelRequest,
} from "../../../protocol/admin";
import { requestJson, RequestError } from "../../lib/api";

const BASE = "/api/console/admin";
const get = <T>(path: string) => requestJson<T>(`${BASE}${path}`);
const send = <T>(method: string, path: string, json?: unknown) => requestJson<T>(`${BASE}${path}`, { method, json });

/** The Administration API, typed by the protocol's schemas. */
export const adminApi = {
  channels: () => get<AdminChannelList>("/channels"),
  createChannel: (body: CreateChannelRequest) => send<AdminChannelResponse>("POST", "/channels", body),
  updateChannel: (id: string, body: UpdateChannelRequest) => send<AdminChannelResponse>("PUT", `/channels/${id}`, body),
  rotateIdentitySecret: (id: string) => send<IdentitySecretResponse>("POST", `/channels/${id}/identity-secret`),
  removeIdentitySecret: (id: string) => send<IdentitySecretResponse>("DELETE", `/channels/${id}/identity-secret`),

  faqs: () => get<AdminFaqList>("/faqs"),
  createFaq: (body: FaqInput) => send<AdminFaqResponse>("POST", "/faqs", body),
  updateFaq: (id: string, body: FaqInput) => send<AdminFaqResponse>("PUT", `/faqs/${id}`, body),
  deleteFaq: (id: string) => send<void>("DELETE", `/faqs/${id}`),

  agents: () => get<AdminAgentList>("/agents"),
  createAgent: (body: CreateAgentRequest) => send<AdminAgentResponse>("POST", "/agents", body),
  updateAgent: (id: string, body: UpdateAgentRequest) => send<AdminAgentResponse>("PUT", `/agents/${id}`, body),
  setPassword: (id: string, password: string) => send<void>("PUT", `/agents/${id}/password`, { password }),
  deleteAgent: (id: string) => send<void>("DELETE", `/agents/${id}`),

  teams: () => get<TeamList>("/teams"),
  createTeam: (body: TeamInput) => send<TeamResponse>("POST", "/teams", body),
  updateTeam: (id: string, body: TeamInput) => send<TeamResponse>("PUT", `/teams/${id}`, body),
  deleteTeam: (id: string) => send<void>("DELETE", `/teams/${id}`),

  apiKeys: () => get<ApiKeyList>("/api-keys"),
  createApiKey: (name: string) => send<CreateApiKeyResponse>("POST", "/api-keys", { name }),
  revokeApiKey: (id: string) => send<ApiKeyResponse>("POST", `/api-keys/${id}/revoke`),

  emails: (cursor: string | null) => get<OutboxList>(`/emails?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
  email: (id: string) => get<OutboxEmailResponse>(`/emails/${id}`),
  simulateReply: (id: string, text: string) => send<SimulateReplyResponse>("POST", `/emails/${id}/simulate-reply`, { text }),
  inboundEmails: () => get<InboundEmailList>("/inbound-emails"),
};

/** The server's own message as a sentence, or a plain word about the network. */
export function describeError(err: unknown): string {
  if (!(err instanceof RequestError)) return "Could not reach the server. Check the connection and try again.";
  const text = err.message.charAt(0).toUpperCase() + err.message.slice(1);
  return text.endsWith(".") ? text : `${text}.`;
}
