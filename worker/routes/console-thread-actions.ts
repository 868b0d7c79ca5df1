import type { Env } from "../env";
import type { Agent } from "../../protocol/api";
import { setResponsibleAgent } from "../db/console-conversations";
import type { ConversationHeader } from "../db/inbox";
import { alertAdmins } from "../db/notifications";
import { roomFor } from "../rooms";

/** Thread actions the console takes on one thread and, in bulk, on many (console-threads.ts, console-bulk.ts). */

/** The room owns the responsible agent; D1 is written too so the inbox shows it at once. */
export async function assignConversation(env: Env, workspaceId: string, conversationId: string, target: { id: string; name: string }) {
  await roomFor(env, conversationId).assign({ id: target.id, name: target.name });
  await setResponsibleAgent(env.DB, workspaceId, conversationId, target.id);
}

/** "Notify administrators": each admin but the sender gets a console notification and an email. */
export function notifyAdmins(env: Env, from: Agent, conversation: ConversationHeader, note: string, origin: string): Promise<number> {
  return alertAdmins(env, {
    workspaceId: from.workspaceId,
    conversationId: conversation.id,
    subject: conversation.subject,
    contact: `${conversation.contact.name} <${conversation.contact.email}>`,
    from,
    note,
    consoleUrl: `${origin}/console#c=${encodeURIComponent(conversation.id)}`,
  });
}
