import type { Agent, ChangePasswordRequest } from "../../protocol/api";
import type {
  AccountDetail,
  AccountList,
  AgentList,
  AgentStartRequest,
  AttachmentList,
  Attention,
  ConversationDetail,
  ConversationUpdate,
  InboxFilter,
  InboxPage,
  NotificationList,
} from "../../protocol/console";
import type { Message } from "../../protocol/frames";
import type { ConsoleChannel } from "../../protocol/lobby";
import type { BulkAction, BulkResult } from "../../protocol/bulk-actions";
import type { CannedResponse, CannedResponseInput, CannedResponseList, CannedResponseUpdate, ReplyList } from "../../protocol/canned-responses";
import type { Label, LabelInput, LabelList } from "../../protocol/labels";
import { newClientId } from "../lib/client-id";
import { requestJson } from "../lib/api";

/** The console's calls to its Worker, one function per endpoint, typed by the shared contract. */

const conversation = (id: string) => `/api/console/conversations/${encodeURIComponent(id)}`;

export type InboxRequest = {
  filter: InboxFilter;
  attention: Attention | "";
  q: string;
  limit: number;
  cursor: string | null;
  accountId?: string | undefined;
  /** Label ids: threads carrying every one of them. */
  labels?: string[];
};

export const consoleApi = {
  me: () => requestJson<{ agent: Agent }>("/api/console/me"),
  signOut: () => requestJson<void>("/api/console/session", { method: "DELETE" }),
  channels: () => requestJson<{ channels: ConsoleChannel[] }>("/api/console/channels"),
  agents: () => requestJson<AgentList>("/api/console/agents"),

  inbox(r: InboxRequest) {
    const query = new URLSearchParams({ filter: r.filter, limit: String(r.limit) });
    if (r.attention) query.set("attention", r.attention);
    if (r.q.trim()) query.set("q", r.q.trim());
    if (r.cursor) query.set("cursor", r.cursor);
    if (r.accountId) query.set("accountId", r.accountId);
    if (r.labels?.length) query.set("labels", r.labels.join(","));
    return requestJson<InboxPage>(`/api/console/conversations?${query}`);
  },
  conversation: (id: string) => requestJson<{ conversation: ConversationDetail }>(conversation(id)),
  update: (id: string, update: ConversationUpdate) =>
    requestJson<{ conversation: ConversationDetail }>(conversation(id), { method: "PATCH", json: update }),
  read: (id: string, seq: number) => requestJson<void>(`${conversation(id)}/read`, { method: "POST", json: { seq } }),
  end: (id: string) => requestJson<void>(`${conversation(id)}/end`, { method: "POST", json: {} }),
  emailTranscript: (id: string) => requestJson<{ to: string }>(`${conversation(id)}/transcript`, { method: "POST", json: {} }),
  notifyAdmins: (id: string, note: string) =>
    requestJson<{ notified: number }>(`${conversation(id)}/notify-admins`, { method: "POST", json: { note } }),
  remove: (id: string) => requestJson<void>(conversation(id), { method: "DELETE" }),
  start: (input: AgentStartRequest) =>
    requestJson<{ conversation: ConversationDetail }>("/api/console/conversations", { method: "POST", json: input }),

  attachments: (id: string) => requestJson<AttachmentList>(`${conversation(id)}/attachments`),
  upload: (id: string, file: File) =>
    requestJson<{ message: Message }>(`${conversation(id)}/attachments`, {
      method: "POST",
      headers: {
        "Content-Type": file.type || "application/octet-stream",
        "X-Parley-Client-Id": newClientId(),
        "X-Parley-Filename": encodeURIComponent(file.name),
      },
      body: file,
    }),
  deleteAttachment: (id: string, attachmentId: string) =>
    requestJson<void>(`${conversation(id)}/attachments/${encodeURIComponent(attachmentId)}`, { method: "DELETE" }),

  accounts: (q: string, filter: InboxFilter = "all") =>
    requestJson<AccountList>(`/api/console/accounts?${new URLSearchParams({ filter, ...(q.trim() ? { q: q.trim() } : {}) })}`),
  account: (id: string) => requestJson<{ account: AccountDetail }>(`/api/console/accounts/${encodeURIComponent(id)}`),
  createAccount: (name: string) => requestJson<{ account: AccountDetail }>("/api/console/accounts", { method: "POST", json: { name } }),
  renameAccount: (id: string, name: string) =>
    requestJson<{ account: AccountDetail }>(`/api/console/accounts/${encodeURIComponent(id)}`, { method: "PATCH", json: { name } }),
  addContact: (id: string, contact: { name: string; email: string }) =>
    requestJson<unknown>(`/api/console/accounts/${encodeURIComponent(id)}/contacts`, { method: "POST", json: contact }),
  removeContact: (id: string, contactId: string) =>
    requestJson<void>(`/api/console/accounts/${encodeURIComponent(id)}/contacts/${encodeURIComponent(contactId)}`, { method: "DELETE" }),

  notifications: () => requestJson<NotificationList>("/api/console/notifications"),
  signInAlertsSeen: () => requestJson<void>("/api/console/notifications/sign-in/seen", { method: "POST", json: {} }),
  signOutEverywhere: () => requestJson<void>("/api/console/sessions", { method: "DELETE" }),
  changePassword: (input: ChangePasswordRequest) => requestJson<void>("/api/console/me/password", { method: "POST", json: input }),

  labels: () => requestJson<LabelList>("/api/console/labels"),
  createLabel: (input: LabelInput) => requestJson<{ label: Label }>("/api/console/labels", { method: "POST", json: input }),
  updateLabel: (id: string, input: Partial<LabelInput>) =>
    requestJson<{ label: Label }>(`/api/console/labels/${encodeURIComponent(id)}`, { method: "PATCH", json: input }),
  deleteLabel: (id: string) => requestJson<void>(`/api/console/labels/${encodeURIComponent(id)}`, { method: "DELETE" }),
  addLabel: (id: string, labelId: string) => requestJson<LabelList>(`${conversation(id)}/labels`, { method: "POST", json: { labelId } }),
  removeLabel: (id: string, labelId: string) =>
    requestJson<LabelList>(`${conversation(id)}/labels/${encodeURIComponent(labelId)}`, { method: "DELETE" }),

  bulk: (conversationIds: string[], action: BulkAction) =>
    requestJson<BulkResult>("/api/console/conversations/bulk", { method: "POST", json: { conversationIds, action } }),

  replies: (id: string, q: string) =>
    requestJson<ReplyList>(`${conversation(id)}/replies${q.trim() ? `?q=${encodeURIComponent(q.trim())}` : ""}`),
  cannedResponses: () => requestJson<CannedResponseList>("/api/console/canned-responses"),
  createCannedResponse: (input: CannedResponseInput) =>
    requestJson<{ cannedResponse: CannedResponse }>("/api/console/canned-responses", { method: "POST", json: input }),
  updateCannedResponse: (id: string, update: CannedResponseUpdate) =>
    requestJson<{ cannedResponse: CannedResponse }>(`/api/console/canned-responses/${encodeURIComponent(id)}`, { method: "PATCH", json: update }),
  deleteCannedResponse: (id: string) => requestJson<void>(`/api/console/canned-responses/${encodeURIComponent(id)}`, { method: "DELETE" }),
};
