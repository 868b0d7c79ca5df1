import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { OutboxEmailDetail, OutboxList } from "../../protocol/admin";
import { queueEmail } from "../../worker/email/outbox";
import { errorOf, newAdmin, type AdminClient } from "./console-admin-helpers";

async function queue(admin: AdminClient, n: number, to = "customer@example.com"): Promise<void> {
  await queueEmail(
    env,
    { workspaceId: admin.workspaceId, to, idempotencyKey: `test-${admin.workspaceId}-${n}` },
    { template: "ticket_receipt", data: { reference: `T-${1000 + n}`, question: `Question number ${n}`, contactName: "Vera" } },
  );
}

describe("Administration: email outbox", () => {
  it("lists every email the product queued for the workspace, newest first, and shows one in full", async () => {
    const admin = await newAdmin();
    await queue(admin, 1);
    await queue(admin, 2, "second@example.com");
    const { emails, nextCursor } = await admin.json<OutboxList>("GET", "/emails");
    expect(nextCursor).toBeNull();
    expect(emails).toHaveLength(2);
    expect(emails.map((e) => e.to).sort()).toEqual(["customer@example.com", "second@example.com"]);
    expect(emails[0]).toMatchObject({ template: "ticket_receipt", status: "local", locale: "en", attempts: 0, lastError: null });
    expect(emails[0]!.createdAt).toBeGreaterThanOrEqual(emails[1]!.createdAt);
    expect(emails[0]).not.toHaveProperty("textBody");

    const second = emails.find((e) => e.to === "second@example.com")!;
    const { email } = await admin.json<{ email: OutboxEmailDetail }>("GET", `/emails/${second.id}`);
    expect(email).toMatchObject(second);
    expect(email.textBody).toContain("T-1002");
    expect(email.htmlBody).toContain("T-1002");
  });

  it("pages through the outbox with a cursor, seeing every email exactly once", async () => {
    const admin = await newAdmin();
    for (let n = 1; n <= 5; n++) await queue(admin, n);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: OutboxList = await admin.json<OutboxList>("GET", `/emails?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...page.emails.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it("refuses a bad query with a message naming the field", async () => {
    const admin = await newAdmin();
    expect(await errorOf(await admin.request("GET", "/emails?limit=0"))).toMatchObject({ status: 400, message: expect.stringMatching(/^limit: /) });
    expect(await errorOf(await admin.request("GET", "/emails?limit=500"))).toMatchObject({ status: 400, message: expect.stringMatching(/^limit: /) });
    expect(await errorOf(await admin.request("GET", "/emails?cursor=drop%20table"))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^cursor: /),
    });
  });

  it("answers 404 for an email that does not exist", async () => {
    const admin = await newAdmin();
    expect((await errorOf(await admin.request("GET", "/emails/em_missing"))).status).toBe(404);
  });
});
