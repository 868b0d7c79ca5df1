import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Author, Message } from "../../protocol/frames";
import { LIMITS } from "../../protocol/limits";
import { MESSAGE_COLUMNS, messageValues } from "../../worker/db/message-columns";
import { pruneOnce } from "../../worker/maintenance/prune";
import { lobbyFor, roomFor } from "../../worker/rooms";
import { expectRefusal } from "./attack-helpers";
import { adminClient, newPlainAgent } from "./console-admin-helpers";
import { agentOnline, BASE, call, createWorkspace, signIn, startConversation, type Workspace } from "./fixtures";

const RECEIVER = "https://receiver.example/parley";
const VISITOR: Author = { type: "visitor", id: null, name: "Vera Visitor" };
const DAY = 24 * 3600 * 1000;
type Room = ReturnType<typeof roomFor>;

beforeEach(() => {
  // Webhook receivers are never reached from the tests: deliveries are judged by their rows.
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    return url.startsWith(RECEIVER) ? new Response("ok") : real(input, init);
  });
});
afterEach(() => vi.restoreAllMocks());

function api(ws: Workspace, path: string, method = "GET", body?: unknown) {
  return call(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ws.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

function asAgent(cookie: string, method: string, path: string, body?: unknown) {
  return call(path, {
    method,
    headers: { cookie, origin: BASE, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function subscribe(ws: Workspace, events: string[]) {
  const res = await api(ws, "/webhooks", "POST", { url: RECEIVER, events });
  expect(res.status, await res.clone().text()).toBe(201);
}

/**
 * Months of chat at once: written straight into the room's storage (its send limits would pace a
 * test at a person's speed), then read by a fresh instance, which copies them to D1 like any.
 */
async function fillRoom(room: Room, count: number, bodyLength: number): Promise<number> {
  let last = 0;
  await runInDurableObject(room, (_r, state) => {
    const from = state.storage.sql.exec<{ s: number }>("SELECT COALESCE(MAX(seq), 0) AS s FROM messages").one().s;
    for (let seq = from + 1; seq <= from + count; seq++) {
      const body = `m${seq} `.padEnd(bodyLength, "x");
      const values = messageValues({ seq, clientId: `fill-${seq}`, author: VISITOR, body, createdAt: Date.now() });
      state.storage.sql.exec(`INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ...values);
    }
    last = from + count;
  });
  await evictDurableObject(room);
  return last;
}

/** Runs the room's sync now, as its alarm would, until it has nothing left; fails if it never gets there. */
async function syncUntilDone(room: Room): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const due = await runInDurableObject(room, (_r, state) =>
      state.storage.sql.exec("UPDATE schedule SET due_at = ? WHERE name = 'sync'", Date.now() - 1).rowsWritten,
    );
    if (due === 0) return;
    await evictDurableObject(room);
    await runDurableObjectAlarm(room);
  }
  throw new Error("the room's sync never completed");
}

const roomOutbox = (room: Room) =>
  runInDurableObject(room, (_r, state) => state.storage.sql.exec<{ item: string }>("SELECT item FROM outbox").toArray().map((r) => r.item));

async function endedDelivery(ws: Workspace, conversationId: string) {
  return env.DB.prepare(
    `SELECT payload, length(CAST(payload AS BLOB)) AS bytes FROM webhook_deliveries
     WHERE workspace_id = ? AND event_type = 'conversation.ended' AND ordering_key = ?`,
  )
    .bind(ws.workspaceId, conversationId)
    .first<{ payload: string; bytes: number }>();
}

const d1MessageCount = async (ws: Workspace, conversationId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE workspace_id = ? AND conversation_id = ?").bind(ws.workspaceId, conversationId).first<{ n: number }>())!.n;

describe("conversation.ended carries a bounded transcript", () => {
  it("a 1,500-message chat ends: payload under the cap, truncated, sync completes with every message in D1", async () => {
    const ws = await createWorkspace();
    await subscribe(ws, ["conversation.ended"]);
    const long = await startConversation(ws, "A long question");
    const honest = await startConversation(ws, "A short question");
    const room = roomFor(env, long.conversation.id);
    // 3,000 characters a message: 4.5 MB in all, more than twice D1's 2 MB row.
    await fillRoom(room, 1500, 3000);
    for (const c of [long, honest]) {
      const res = await api(ws, `/conversations/${c.conversation.id}`, "PATCH", { status: "ended" });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    await syncUntilDone(room);
    await syncUntilDone(roomFor(env, honest.conversation.id));

    const { lastSeq } = await room.snapshot();
    expect(await d1MessageCount(ws, long.conversation.id)).toBe(lastSeq);
    expect(await roomOutbox(room)).toEqual([]);
    const row = (await endedDelivery(ws, long.conversation.id))!;
    expect(row.bytes).toBeLessThan(LIMITS.transcriptPayload.bytes + 4096);
    const { data } = JSON.parse(row.payload) as { data: { transcript: Message[]; transcriptTruncated: boolean; transcriptUrl: string } };
    expect(data.transcriptTruncated).toBe(true);
    expect(data.transcriptUrl).toBe(`/api/v1/conversations/${long.conversation.id}/transcript`);
    expect(data.transcript.length).toBeGreaterThan(0);
    expect(data.transcript.length).toBeLessThanOrEqual(LIMITS.transcriptPayload.messages);
    // The newest messages, in order, without a gap, up to the end.
    const seqs = data.transcript.map((m) => m.seq);
    expect(seqs.at(-1)).toBe(lastSeq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));

    // The short chat in the same workspace still gets its whole transcript.
    const short = JSON.parse((await endedDelivery(ws, honest.conversation.id))!.payload) as { data: { transcript: Message[]; transcriptTruncated: boolean } };
    expect(short.data.transcriptTruncated).toBe(false);
    expect(short.data.transcript[0]!.body).toBe("A short question");
  });
});

describe("messages and transcripts page past 200", () => {
  let ws: Workspace;
  let id: string;
  let lastSeq: number;

  beforeEach(async () => {
    ws = await createWorkspace();
    const chat = await startConversation(ws, "First");
    id = chat.conversation.id;
    const room = roomFor(env, id);
    await fillRoom(room, 450, 20);
    lastSeq = (await room.snapshot()).lastSeq;
  });

  async function page(query: string) {
    const res = await api(ws, `/conversations/${id}/messages${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as { messages: Message[]; nextSince: number | null };
  }

  it("following nextSince returns every message exactly once, for any limit", async () => {
    for (const limit of [7, 199, 200, undefined]) {
      const seen: number[] = [];
      let since: number | null = 0;
      while (since !== null) {
        const p = await page(`?since=${since}${limit ? `&limit=${limit}` : ""}`);
        expect(p.messages.length).toBeLessThanOrEqual(limit ?? 200);
        seen.push(...p.messages.map((m) => m.seq));
        since = p.nextSince;
      }
      expect(seen, `limit ${limit}`).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    }
  });

  it("the default page of 200 says where the next starts; a page that ends the thread says null", async () => {
    const first = await page("");
    expect(first.messages).toHaveLength(200);
    expect(first.nextSince).toBe(200);
    const exactEnd = await page(`?since=${lastSeq - 200}&limit=200`);
    expect(exactEnd.messages).toHaveLength(200);
    expect(exactEnd.nextSince).toBeNull();
    expect(await page(`?since=${lastSeq - 1}&limit=1`)).toMatchObject({ nextSince: null });
    expect((await page(`?since=0&limit=1`)).nextSince).toBe(1);
    expect(await page(`?since=${lastSeq}`)).toEqual({ messages: [], nextSince: null });
  });

  it("a limit outside 1-200, or a negative since, is refused", async () => {
    for (const q of ["?limit=0", "?limit=201", "?limit=-5", "?limit=abc", "?since=-1", "?limit=1.5"]) {
      const err = await expectRefusal(await api(ws, `/conversations/${id}/messages${q}`), [400], q);
      expect(err.code).toBe("invalid_request");
    }
  });

  it("the JSON transcript pages with nextSince; the text transcript streams every line", async () => {
    const json = (await (await api(ws, `/conversations/${id}/transcript`)).json()) as { messages: Message[]; nextSince: number | null; text: string };
    expect(json.messages).toHaveLength(200);
    expect(json.nextSince).toBe(200);
    expect(json.text.split("\n")).toHaveLength(200);

    const res = await api(ws, `/conversations/${id}/transcript.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const lines = (await res.text()).trimEnd().split("\n");
    expect(lines).toHaveLength(lastSeq);
    expect(lines[0]).toMatch(/Vera Visitor: First$/);
    expect(lines.at(-1)).toMatch(new RegExp(`: m${lastSeq} x+$`));

    // The console streams the same, and its request note stops at its first lines.
    const cookie = await signIn(ws);
    const txt = await asAgent(cookie, "GET", `/api/console/conversations/${id}/transcript.txt`);
    expect((await txt.text()).trimEnd().split("\n")).toEqual(lines);
    const { conversation } = (await (await asAgent(cookie, "GET", `/api/console/conversations/${id}`)).json()) as { conversation: { requestNote: string } };
    const note = conversation.requestNote.trimEnd().split("\n");
    expect(note).toHaveLength(LIMITS.requestNoteLines + 1);
    expect(note.slice(0, -1)).toEqual(lines.slice(0, LIMITS.requestNoteLines));
    expect(note.at(-1)).toContain(`/api/console/conversations/${id}/transcript.txt`);
  });

  it("another workspace's key reads none of it", async () => {
    const other = await createWorkspace();
    for (const path of ["messages", "transcript", "transcript.txt"]) {
      await expectRefusal(await api(other, `/conversations/${id}/${path}`), [404], path);
    }
  });
});

describe("the cron prunes what grows without bound", () => {
  it("removes expired and old rows, keeps live ones, and honours each workspace's retention", async () => {
    const now = Date.now();
    const short = await createWorkspace();
    const normal = await createWorkspace();
    const admin = adminClient(short, await signIn(short));
    expect(await admin.json("PUT", "/retention", { days: 1 })).toEqual({ retention: { days: 1, defaultDays: LIMITS.retention.defaultDays } });
    const agentId = (await env.DB.prepare("SELECT id FROM agents WHERE workspace_id = ?").bind(short.workspaceId).first<{ id: string }>())!.id;
    const tag = crypto.randomUUID().slice(0, 8);
    const email = (ws: Workspace, key: string, status: string, age: number) =>
      env.DB.prepare(
        `INSERT INTO email_outbox (workspace_id, id, idempotency_key, to_address, recipient, locale, template, subject, text_body, html_body, status, created_at)
         VALUES (?, ?, ?, 'a@example.com', 'a@example.com', 'en', 'survey', 's', 't', 'h', ?, ?)`,
      ).bind(ws.workspaceId, `em_${key}_${tag}`, `${key}-${tag}`, status, now - age);
    const delivery = (ws: Workspace, key: string, status: string, age: number) =>
      env.DB.prepare(
        `INSERT INTO webhook_deliveries (workspace_id, id, endpoint_id, event_type, ordering_key, payload, status, created_at)
         VALUES (?, ?, 'we_x', 'ticket.created', 'k', '{}', ?, ?)`,
      ).bind(ws.workspaceId, `dlv_${key}_${tag}`, status, now - age);
    await env.DB.batch([
      env.DB.prepare("INSERT INTO sessions (token_hash, workspace_id, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)").bind(`expired-${tag}`, short.workspaceId, agentId, now - 9 * DAY, now - 1),
      env.DB.prepare("INSERT INTO sessions (token_hash, workspace_id, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)").bind(`live-${tag}`, short.workspaceId, agentId, now, now + DAY),
      env.DB.prepare("INSERT INTO token_buckets (key, tokens, at, taken) VALUES (?, 0, ?, 1)").bind(`old-${tag}`, now - 30 * DAY),
      env.DB.prepare("INSERT INTO token_buckets (key, tokens, at, taken) VALUES (?, 0, ?, 1)").bind(`fresh-${tag}`, now - 60_000),
      env.DB.prepare("INSERT INTO idempotency_keys (workspace_id, api_key_hash, key, request_hash, claim, status, body, created_at) VALUES (?, 'kh', ?, 'h', 'c', 201, '', ?)").bind(short.workspaceId, `old-${tag}`, now - 2 * DAY),
      env.DB.prepare("INSERT INTO idempotency_keys (workspace_id, api_key_hash, key, request_hash, claim, status, body, created_at) VALUES (?, 'kh', ?, 'h', 'c', 201, '', ?)").bind(short.workspaceId, `fresh-${tag}`, now - 60_000),
      env.DB.prepare("INSERT INTO mx_cache (domain, has_mx, checked_at) VALUES (?, 1, ?)").bind(`old-${tag}.example`, now - 2 * DAY),
      env.DB.prepare("INSERT INTO mx_cache (domain, has_mx, checked_at) VALUES (?, 1, ?)").bind(`fresh-${tag}.example`, now - 60_000),
      // Two days old: past the short workspace's one day, within the default thirty.
      email(short, "sent2d", "sent", 2 * DAY),
      email(short, "queued2d", "queued", 2 * DAY),
      email(short, "sent1h", "sent", 3600_000),
      email(normal, "sent2d", "sent", 2 * DAY),
      email(normal, "local40d", "local", 40 * DAY),
      delivery(short, "delivered2d", "delivered", 2 * DAY),
      delivery(short, "pending2d", "pending", 2 * DAY),
      delivery(normal, "failed2d", "failed", 2 * DAY),
      delivery(normal, "failed40d", "failed", 40 * DAY),
    ]);

    await pruneOnce(env, now);

    const left = async (sql: string) => (await env.DB.prepare(sql).bind(`%${tag}%`).all<{ k: string }>()).results.map((r) => r.k).sort();
    expect(await left("SELECT token_hash AS k FROM sessions WHERE token_hash LIKE ?")).toEqual([`live-${tag}`]);
    expect(await left("SELECT key AS k FROM token_buckets WHERE key LIKE ?")).toEqual([`fresh-${tag}`]);
    expect(await left("SELECT key AS k FROM idempotency_keys WHERE key LIKE ?")).toEqual([`fresh-${tag}`]);
    expect(await left("SELECT domain AS k FROM mx_cache WHERE domain LIKE ?")).toEqual([`fresh-${tag}.example`]);
    expect(await left("SELECT workspace_id || ':' || idempotency_key AS k FROM email_outbox WHERE idempotency_key LIKE ?")).toEqual(
      [`${normal.workspaceId}:sent2d-${tag}`, `${short.workspaceId}:queued2d-${tag}`, `${short.workspaceId}:sent1h-${tag}`].sort(),
    );
    expect(await left("SELECT workspace_id || ':' || id AS k FROM webhook_deliveries WHERE id LIKE ?")).toEqual(
      [`${normal.workspaceId}:dlv_failed2d_${tag}`, `${short.workspaceId}:dlv_pending2d_${tag}`].sort(),
    );
  });

  it("deletes a bounded slice per run, and the next run takes the rest", async () => {
    const now = Date.now();
    const tag = crypto.randomUUID().slice(0, 8);
    const extra = 7;
    const total = LIMITS.retention.rowsPerRun + extra;
    const insert = env.DB.prepare("INSERT INTO mx_cache (domain, has_mx, checked_at) VALUES (?, 1, ?)");
    await env.DB.batch(Array.from({ length: total }, (_, i) => insert.bind(`bulk-${i}-${tag}.example`, now - 3 * DAY)));
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM mx_cache WHERE domain LIKE ?").bind(`%${tag}%`).first<{ n: number }>())!.n;
    const first = await pruneOnce(env, now);
    expect(first.mx_cache).toBe(LIMITS.retention.rowsPerRun);
    expect(await count()).toBe(extra);
    await pruneOnce(env, now);
    expect(await count()).toBe(0);
  });

  it("only an admin sets the retention, and only within its bounds", async () => {
    const ws = await createWorkspace();
    const admin = adminClient(ws, await signIn(ws));
    for (const days of [0, LIMITS.retention.maxDays + 1, 1.5, "30"]) {
      await expectRefusal(await admin.request("PUT", "/retention", { days }), [400], `days ${days}`);
    }
    await expectRefusal(await admin.request("PUT", "/retention", { days: 5, extra: 1 }), [400], "unknown field");
    const plain = await newPlainAgent(admin);
    await expectRefusal(await plain.request("PUT", "/retention", { days: 1 }), [403], "plain agent");
    expect(await admin.json("GET", "/retention")).toEqual({ retention: { days: null, defaultDays: LIMITS.retention.defaultDays } });
    expect(await admin.json("PUT", "/retention", { days: 90 })).toMatchObject({ retention: { days: 90 } });
    expect(await admin.json("PUT", "/retention", { days: null })).toMatchObject({ retention: { days: null } });
  });
});

let ipCounter = 0;
/** A new /24 per request, so the start limits (per address and per network) stay out of the way. */
const spreadIp = () => `10.${100 + Math.floor(++ipCounter / 250)}.${ipCounter % 250}.7`;

function ticket(ws: Workspace, email: string, question = "Please call me back") {
  return call(`/api/widget/channels/${ws.channelKey}/tickets`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": spreadIp() },
    body: JSON.stringify({ name: "Pat", email, question }),
  });
}

type EmailRow = { to_address: string; status: string; last_error: string | null; template: string; text_body: string };
const emailsOf = async (ws: Workspace) =>
  (await env.DB.prepare("SELECT to_address, status, last_error, template, text_body FROM email_outbox WHERE workspace_id = ? ORDER BY created_at, rowid").bind(ws.workspaceId).all<EmailRow>()).results;

describe("daily email caps", () => {
  it("the 21st email to one address in a day is suppressed, not sent; other recipients are unaffected", async () => {
    const ws = await createWorkspace({ config: { ticketSubmission: true } });
    const { perRecipientPerDay } = LIMITS.email;
    // Case and +tags reach the same inbox, so they count as one address.
    const spellings = ["victim@example.com", "Victim@Example.com", "victim+1@example.com"];
    for (let i = 0; i < perRecipientPerDay + 2; i++) {
      const res = await ticket(ws, spellings[i % spellings.length]!);
      expect(res.status, await res.clone().text()).toBe(201);
    }
    expect((await ticket(ws, "honest@example.com")).status).toBe(201);

    const rows = await emailsOf(ws);
    const toVictim = rows.filter((r) => r.to_address.toLowerCase().startsWith("victim"));
    expect(toVictim.filter((r) => r.status === "local")).toHaveLength(perRecipientPerDay);
    const suppressed = toVictim.filter((r) => r.status === "suppressed");
    expect(suppressed).toHaveLength(2);
    expect(suppressed[0]!.last_error).toBe(`daily limit of ${perRecipientPerDay} emails to this address reached`);
    expect(rows.find((r) => r.to_address === "honest@example.com")?.status).toBe("local");

    // Admins see it in the outbox, with the reason.
    const admin = adminClient(ws, await signIn(ws));
    const { emails } = await admin.json<{ emails: { status: string; lastError: string | null }[] }>("GET", "/emails?limit=50");
    expect(emails.filter((e) => e.status === "suppressed")).toHaveLength(2);
    expect(emails.find((e) => e.status === "suppressed")?.lastError).toContain("this address");
  });

  it("a workspace past its daily cap sends nothing more; another workspace is unaffected", async () => {
    const ws = await createWorkspace({ config: { ticketSubmission: true } });
    const other = await createWorkspace({ config: { ticketSubmission: true } });
    const now = Date.now();
    const insert = env.DB.prepare(
      `INSERT INTO email_outbox (workspace_id, id, idempotency_key, to_address, recipient, locale, template, subject, text_body, html_body, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'en', 'survey', 's', 't', 'h', 'local', ?)`,
    );
    const earlier = Array.from({ length: LIMITS.email.perWorkspacePerDay }, (_, i) =>
      insert.bind(ws.workspaceId, `em_fill_${i}`, `fill-${i}`, `r${i}@example.com`, `r${i}@example.com`, now - 1000),
    );
    for (let i = 0; i < earlier.length; i += 500) await env.DB.batch(earlier.slice(i, i + 500));

    expect((await ticket(ws, "fresh@example.com")).status).toBe(201);
    expect((await ticket(other, "fresh@example.com")).status).toBe(201);
    const last = (await emailsOf(ws)).at(-1)!;
    expect(last).toMatchObject({ to_address: "fresh@example.com", status: "suppressed" });
    expect(last.last_error).toContain("from this workspace");
    expect((await emailsOf(other)).map((r) => r.status)).toEqual(["local"]);
  });

  it("a room whose transcript email is over the cap still finishes its sync", async () => {
    const ws = await createWorkspace({ config: { transcriptEmail: true } });
    const now = Date.now();
    const insert = env.DB.prepare(
      `INSERT INTO email_outbox (workspace_id, id, idempotency_key, to_address, recipient, locale, template, subject, text_body, html_body, status, created_at)
       VALUES (?, ?, ?, 'vera@example.com', 'vera@example.com', 'en', 'survey', 's', 't', 'h', 'local', ?)`,
    );
    await env.DB.batch(Array.from({ length: LIMITS.email.perRecipientPerDay }, (_, i) => insert.bind(ws.workspaceId, `em_v${i}`, `v-${i}`, now - 1000)));
    const chat = await startConversation(ws);
    const room = roomFor(env, chat.conversation.id);
    expect((await api(ws, `/conversations/${chat.conversation.id}`, "PATCH", { status: "ended" })).status).toBe(200);
    await syncUntilDone(room);
    expect(await roomOutbox(room)).toEqual([]);
    const transcript = (await emailsOf(ws)).find((r) => r.template === "transcript");
    expect(transcript?.status).toBe("suppressed");
  });

  it("a ticket receipt quotes only the first lines of a 200-line question", async () => {
    const ws = await createWorkspace({ config: { ticketSubmission: true } });
    const question = Array.from({ length: 200 }, (_, i) => `line ${i + 1} of 200`).join("\n");
    expect((await ticket(ws, "pat@example.com", question)).status).toBe(201);
    const [receipt] = await emailsOf(ws);
    const quoted = receipt!.text_body.split("\n").filter((l) => l.startsWith("> "));
    expect(quoted).toEqual(["> line 1 of 200", "> line 2 of 200", "> line 3 of 200…"]);
    expect(receipt!.text_body).not.toContain("line 4 ");
    // One long line is cut too.
    const wall = "word ".repeat(700);
    expect((await ticket(ws, "pat2@example.com", wall)).status).toBe(201);
    const second = (await emailsOf(ws)).at(-1)!;
    const quote = second.text_body.split("\n").filter((l) => l.startsWith("> ")).join("");
    expect(quote.length).toBeLessThanOrEqual(LIMITS.receiptQuoteChars + 3);
    expect(quote.endsWith("…")).toBe(true);
  });
});

describe("deleting a conversation", () => {
  const queued = (channelId: string) =>
    runInDurableObject(lobbyFor(env, channelId), (_l, state) =>
      state.storage.sql.exec<{ conversation_id: string }>("SELECT conversation_id FROM queue").toArray().map((r) => r.conversation_id),
    );

  it("a plain agent may not: 403 and nothing changes", async () => {
    const ws = await createWorkspace();
    const admin = adminClient(ws, await signIn(ws));
    const plain = await newPlainAgent(admin);
    const chat = await startConversation(ws);
    const id = chat.conversation.id;
    const before = await roomFor(env, id).snapshot();
    const err = await expectRefusal(await asAgent(plain.cookie, "DELETE", `/api/console/conversations/${id}`), [403], "plain agent delete");
    expect(err.code).toBe("forbidden");
    expect(await roomFor(env, id).snapshot()).toEqual(before);
    expect(await env.DB.prepare("SELECT id FROM conversations WHERE workspace_id = ? AND id = ?").bind(ws.workspaceId, id).first()).not.toBeNull();
    expect(await queued(ws.channelId)).toContain(id);
  });

  it("an admin's delete from the console emits conversation.deleted and leaves no queue entry; the next chat stays queued", async () => {
    const ws = await createWorkspace();
    await subscribe(ws, ["conversation.deleted"]);
    await agentOnline(ws);
    const doomed = await startConversation(ws, "Delete me");
    const kept = await startConversation(ws, "Keep me");
    await syncUntilDone(roomFor(env, doomed.conversation.id));
    await syncUntilDone(roomFor(env, kept.conversation.id));
    expect(await queued(ws.channelId)).toEqual(expect.arrayContaining([doomed.conversation.id, kept.conversation.id]));

    const cookie = await signIn(ws);
    const res = await asAgent(cookie, "DELETE", `/api/console/conversations/${doomed.conversation.id}`);
    expect(res.status, await res.clone().text()).toBe(204);

    expect(await queued(ws.channelId)).toEqual([kept.conversation.id]);
    const event = await env.DB.prepare("SELECT payload FROM webhook_deliveries WHERE workspace_id = ? AND event_type = 'conversation.deleted'")
      .bind(ws.workspaceId)
      .first<{ payload: string }>();
    expect(JSON.parse(event!.payload)).toMatchObject({ type: "conversation.deleted", data: { conversation: { id: doomed.conversation.id } } });
    expect(await env.DB.prepare("SELECT id FROM conversations WHERE workspace_id = ? AND id = ?").bind(ws.workspaceId, doomed.conversation.id).first()).toBeNull();
    expect((await roomFor(env, kept.conversation.id).snapshot()).status).toBe("queued");
  });

  it("the API's delete leaves no queue entry either", async () => {
    const ws = await createWorkspace();
    const chat = await startConversation(ws);
    await syncUntilDone(roomFor(env, chat.conversation.id));
    expect(await queued(ws.channelId)).toContain(chat.conversation.id);
    expect((await api(ws, `/conversations/${chat.conversation.id}`, "DELETE")).status).toBe(204);
    expect(await queued(ws.channelId)).not.toContain(chat.conversation.id);
  });
});
