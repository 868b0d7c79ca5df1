import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { InboxPage } from "../../protocol/console";
import { createWorkspace, signIn, TestSocket } from "./fixtures";
import { addAgent, agentIdOf, asAgent, historyInD1, insertThread, quietRooms, startChat, type ErrorBody } from "./console-fixtures";

const subjects = (page: InboxPage) => page.conversations.map((c) => c.subject);

afterEach(quietRooms);

describe("the inbox", () => {
  it("lists threads by latest activity, newest first, with created and last reply", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const t0 = Date.now() - 10_000;
    await insertThread(ws, { subject: "old", activityAt: t0 });
    await insertThread(ws, { subject: "newest", activityAt: t0 + 2000 });
    await insertThread(ws, { subject: "middle", activityAt: t0 + 1000 });
    const page = await agent.json<InboxPage>("/api/console/conversations");
    expect(subjects(page)).toEqual(["newest", "middle", "old"]);
    expect(page.nextCursor).toBeNull();

    const { conversation } = await startChat(ws, "A brand new question");
    await historyInD1(ws, conversation.id, 1);
    const after = await agent.json<InboxPage>("/api/console/conversations");
    const top = after.conversations[0]!;
    expect(top.subject).toBe("A brand new question");
    // No account knows her yet: she is named by the address she wrote from.
    expect(top.lastAuthorName).toBe("vera@example.com");
    expect(top.lastMessageAt).toBeGreaterThanOrEqual(top.createdAt);
    expect(top.contact).toMatchObject({ name: "Vera Visitor", email: "vera@example.com", account: null, label: "vera@example.com" });
  });

  it("the last reply is a person's, not a system line", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    await insertThread(ws, {
      subject: "joined",
      messages: [
        { author: "visitor", body: "Hello" },
        { author: "system", body: "Dana joined the chat" },
      ],
    });
    const [row] = (await agent.json<InboxPage>("/api/console/conversations")).conversations;
    expect(row).toMatchObject({ lastAuthorName: "tess@example.com", unread: 1 });
  });

  it("pages with a cursor, 25/50/100/250 rows a page, never skipping or repeating a row", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const base = Date.now() - 100_000;
    // Ties in activity time must still page cleanly: pairs share a timestamp.
    for (let i = 0; i < 30; i++) await insertThread(ws, { subject: `t${String(i).padStart(2, "0")}`, activityAt: base + Math.floor(i / 2) });
    const first = await agent.json<InboxPage>("/api/console/conversations?limit=25");
    expect(first.conversations).toHaveLength(25);
    expect(first.nextCursor).not.toBeNull();
    const second = await agent.json<InboxPage>(`/api/console/conversations?limit=25&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.conversations).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
    const all = [...subjects(first), ...subjects(second)];
    expect(new Set(all).size).toBe(30);
    const fifty = await agent.json<InboxPage>("/api/console/conversations?limit=50");
    expect(subjects(fifty)).toEqual(all);

    for (const bad of ["limit=10", "limit=abc", "limit=251", "cursor=nonsense", "filter=open", "attention=maybe"]) {
      const res = await agent.get(`/api/console/conversations?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe("invalid_request");
    }
  });

  it("filters All, Active, Unread, Archived and Attentive/Answered", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const me = await agentIdOf(ws);
    const t = Date.now() - 10_000;
    await insertThread(ws, { subject: "live unread", activityAt: t + 4, messages: [{ author: "visitor", body: "hello?" }] });
    await insertThread(ws, {
      subject: "live read",
      activityAt: t + 3,
      attention: "answered",
      messages: [{ author: "agent", body: "my own reply", authorId: me }],
    });
    await insertThread(ws, { subject: "archived unread", activityAt: t + 2, archived: true, messages: [{ author: "visitor", body: "x" }] });
    await insertThread(ws, { subject: "archived answered", activityAt: t + 1, archived: true, attention: "answered" });

    const list = async (q: string) => subjects(await agent.json<InboxPage>(`/api/console/conversations?${q}`));
    expect(await list("")).toEqual(["live unread", "live read"]);
    expect(await list("filter=active")).toEqual(["live unread", "live read"]);
    expect(await list("filter=all")).toEqual(["live unread", "live read", "archived unread", "archived answered"]);
    expect(await list("filter=archived")).toEqual(["archived unread", "archived answered"]);
    expect(await list("filter=unread")).toEqual(["live unread", "archived unread"]);
    expect(await list("filter=all&attention=answered")).toEqual(["live read", "archived answered"]);
    expect(await list("filter=active&attention=attentive")).toEqual(["live unread"]);
  });

  it("counts unread messages per agent; reading moves only that agent's mark, never back", async () => {
    const ws = await createWorkspace();
    const dana = asAgent(await signIn(ws));
    const other = await addAgent(ws);
    const olli = asAgent(other.cookie);
    const id = await insertThread(ws, {
      subject: "three questions",
      messages: [
        { author: "visitor", body: "one" },
        { author: "visitor", body: "two" },
        { author: "agent", body: "Olli answers", authorId: other.id },
        { author: "visitor", body: "three" },
      ],
    });
    const unread = async (a: ReturnType<typeof asAgent>) =>
      (await a.json<InboxPage>("/api/console/conversations")).conversations.find((c) => c.id === id)!.unread;
    expect(await unread(dana)).toBe(4);
    expect(await unread(olli)).toBe(3);

    expect((await dana.post(`/api/console/conversations/${id}/read`, { seq: 2 })).status).toBe(204);
    expect(await unread(dana)).toBe(2);
    expect(await unread(olli)).toBe(3);
    expect((await dana.post(`/api/console/conversations/${id}/read`, { seq: 1 })).status).toBe(204);
    expect(await unread(dana)).toBe(2);
    await dana.post(`/api/console/conversations/${id}/read`, { seq: 4 });
    expect(await unread(dana)).toBe(0);

    for (const bad of [{}, { seq: -1 }, { seq: "4" }, { seq: 1.5 }]) {
      expect((await dana.post(`/api/console/conversations/${id}/read`, bad)).status).toBe(400);
    }
    expect((await dana.post(`/api/console/conversations/${id}/read`, "not json")).status).toBe(400);
  });

  it("searches subjects, contacts and message text, in this workspace only", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    await insertThread(ws, { subject: "VAT return for Q3", contact: { name: "Aino Lahtinen", email: "aino@firma.fi" } });
    await insertThread(ws, {
      subject: "Payroll question",
      contact: { name: "Bruno Rossi", email: "bruno@studio.it" },
      messages: [{ author: "visitor", body: "Where do I upload the receipts from Müller GmbH?" }],
    });
    await insertThread(other, { subject: "VAT elsewhere", messages: [{ author: "visitor", body: "receipts" }] });

    const search = async (q: string) =>
      subjects(await agent.json<InboxPage>(`/api/console/conversations?filter=all&q=${encodeURIComponent(q)}`));
    expect(await search("vat")).toEqual(["VAT return for Q3"]);
    expect(await search("Lahti")).toEqual(["VAT return for Q3"]);
    expect(await search("aino@firma.fi")).toEqual(["VAT return for Q3"]);
    expect(await search("receipts")).toEqual(["Payroll question"]);
    expect(await search("muller")).toEqual(["Payroll question"]);
    expect(await search("receipts bruno")).toEqual([]);
    expect(await search("nothing-like-this")).toEqual([]);
    // FTS5 syntax in the input is text, never an operator or an error.
    expect(await search('"vat*')).toEqual(["VAT return for Q3"]);
    expect(await search("(vat) ^ -")).toEqual(["VAT return for Q3"]);
    expect(await search("***")).toEqual([]);
  });

  it("a contact's name finds every thread of theirs in this workspace, and no other workspace's", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const kaisa = { name: "Kaisa Virtanen", email: "kaisa@example.fi" };
    const t0 = Date.now() - 10_000;
    await insertThread(ws, { subject: "First question", contact: kaisa, activityAt: t0 });
    await insertThread(ws, { subject: "Someone else", activityAt: t0 + 1000 });
    await insertThread(ws, { subject: "Second question", contact: kaisa, activityAt: t0 + 2000 });
    await insertThread(other, { subject: "Elsewhere", contact: kaisa, activityAt: t0 + 3000 });
    const page = await agent.json<InboxPage>("/api/console/conversations?filter=all&q=virtanen");
    expect(subjects(page)).toEqual(["Second question", "First question"]);
  });

  it("indexes live messages for search as the room copies them to D1", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const agent = asAgent(cookie);
    const { conversation, token } = await startChat(ws, "My invoice is wrong");
    const visitor = await TestSocket.visitor(conversation.id, token);
    visitor.send({ type: "send", clientId: crypto.randomUUID(), body: "The amount says zebrafish instead of euros" });
    await historyInD1(ws, conversation.id, 2);
    const found = await agent.json<InboxPage>("/api/console/conversations?q=zebrafish");
    expect(found.conversations.map((c) => c.id)).toEqual([conversation.id]);
    visitor.close();
  });

  it("keeps the transcript on the conversation as its request note", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const id = await insertThread(ws, {
      subject: "note",
      messages: [
        { author: "visitor", body: "First line" },
        { author: "agent", body: "Reply" },
      ],
    });
    const { conversation } = await agent.json<{ conversation: { requestNote: string } }>(`/api/console/conversations/${id}`);
    expect(conversation.requestNote).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] Tess Thread: First line\n\[.*\] Agent: Reply\n$/);
  });

  it("writes the request note in message order, a file by its name, whatever order the messages reached D1", async () => {
    const ws = await createWorkspace();
    const agent = asAgent(await signIn(ws));
    const id = await insertThread(ws, { subject: "note order" });
    const at = Date.UTC(2025, 2, 9, 14, 5, 59, 999);
    const message = (seq: number, author: "visitor" | "agent", body: string, attachment: object | null = null) =>
      env.DB.prepare(
        `INSERT INTO messages (workspace_id, conversation_id, seq, client_id, author_type, author_name, body, created_at, attachment)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(ws.workspaceId, id, seq, `note-${seq}`, author, author === "agent" ? "Agent" : "Tess Thread", body, at + seq * 60_000,
        attachment && JSON.stringify(attachment));
    await env.DB.batch([
      message(3, "visitor", "", { name: "invoice march.pdf", contentType: "application/pdf", size: 12 }),
      message(1, "visitor", "My invoice is wrong"),
      message(4, "visitor", ""),
      message(2, "agent", "Which one?"),
    ]);
    const { conversation } = await agent.json<{ conversation: { requestNote: string } }>(`/api/console/conversations/${id}`);
    expect(conversation.requestNote).toBe(
      "[2025-03-09 14:06 UTC] Tess Thread: My invoice is wrong\n" +
        "[2025-03-09 14:07 UTC] Agent: Which one?\n" +
        "[2025-03-09 14:08 UTC] Tess Thread: [invoice march.pdf]\n" +
        "[2025-03-09 14:09 UTC] Tess Thread: [file]\n",
    );
  });
});
