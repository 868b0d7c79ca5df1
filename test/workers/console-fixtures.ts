import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { hashPassword } from "../../worker/auth/password";
import { newId } from "../../worker/db/ids";
import { roomFor } from "../../worker/rooms";
import { BASE, call, postJson, startConversation, type Workspace } from "./fixtures";

const OTHER_PASSWORD = "another staple battery";
let otherHash: Promise<string> | null = null;

/** Console calls as a signed-in agent, from the console's own origin. */
export function asAgent(cookie: string) {
  const send = (method: string, path: string, body?: unknown) =>
    call(path, {
      method,
      headers: { cookie, origin: BASE, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  return {
    get: (path: string) => send("GET", path),
    post: (path: string, body: unknown = {}) => send("POST", path, body),
    patch: (path: string, body: unknown) => send("PATCH", path, body),
    delete: (path: string) => send("DELETE", path),
    async json<T>(path: string): Promise<T> {
      const res = await send("GET", path);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
  };
}

/** Another agent in the workspace, signed in. */
export async function addAgent(ws: Workspace, role: "admin" | "agent" = "agent", name = `Second ${role}`) {
  otherHash ??= hashPassword(OTHER_PASSWORD);
  const id = newId("ag");
  const email = `${id}@example.com`;
  await env.DB.prepare(
    "INSERT INTO agents (workspace_id, id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(ws.workspaceId, id, email, name, role, await otherHash, Date.now())
    .run();
  const res = await postJson("/api/console/session", { email, password: OTHER_PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  return { id, email, name, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]! };
}

export async function agentIdOf(ws: Workspace): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM agents WHERE workspace_id = ? AND email = ?")
    .bind(ws.workspaceId, ws.agentEmail)
    .first<{ id: string }>();
  return row!.id;
}

/** Waits until the room has copied at least `count` messages of the conversation into D1. */
export async function historyInD1(ws: Workspace, conversationId: string, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE workspace_id = ? AND conversation_id = ?")
      .bind(ws.workspaceId, conversationId)
      .first<{ n: number }>();
    if ((row?.n ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${row?.n ?? 0} of ${count} messages reached D1`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A conversation written straight into D1, as rooms leave them: for listing, paging and search,
 * where a live room per row would only slow the test down.
 */
export async function insertThread(
  ws: Workspace,
  t: {
    subject: string;
    contact?: { name: string; email: string };
    activityAt?: number;
    archived?: boolean;
    attention?: "attentive" | "answered";
    messages?: { author: "visitor" | "agent" | "system"; body: string; authorId?: string }[];
  },
): Promise<string> {
  const contactId = newId("ct");
  const id = newId("cv");
  const at = t.activityAt ?? Date.now();
  const contact = t.contact ?? { name: "Tess Thread", email: "tess@example.com" };
  const messages = t.messages ?? [];
  await env.DB.batch([
    env.DB.prepare("INSERT INTO contacts (workspace_id, id, name, email, created_at) VALUES (?, ?, ?, ?, ?)").bind(
      ws.workspaceId,
      contactId,
      contact.name,
      contact.email,
      at,
    ),
    env.DB.prepare(
      `INSERT INTO conversations (workspace_id, id, channel_id, contact_id, subject, status, archived, attention, created_at, activity_at, last_seq)
       VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
    ).bind(ws.workspaceId, id, ws.channelId, contactId, t.subject, t.archived ? 1 : 0, t.attention ?? "attentive", at, at, messages.length),
    ...messages.map((m, i) =>
      env.DB.prepare(
        `INSERT INTO messages (workspace_id, conversation_id, seq, client_id, author_type, author_id, author_name, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(ws.workspaceId, id, i + 1, `m-${id}-${i}`, m.author, m.authorId ?? null, { agent: "Agent", system: "Parley", visitor: contact.name }[m.author], m.body, at),
    ),
  ]);
  return id;
}

export type ErrorBody = { error: { code: string; message: string } };

const startedRooms: string[] = [];

/** A visitor's chat, as fixtures.startConversation, remembered so `quietRooms` can stop its timers. */
export async function startChat(ws: Workspace, body?: string) {
  const started = await startConversation(ws, body);
  startedRooms.push(started.conversation.id);
  return started;
}

export function remember(conversationId: string): void {
  startedRooms.push(conversationId);
}

/** Alarms outlive a test; the rooms of a finished test must not wake up in the next one. */
export async function quietRooms(): Promise<void> {
  for (const id of startedRooms.splice(0)) {
    await runInDurableObject(roomFor(env, id), (_room, state) => state.storage.deleteAlarm());
  }
}
