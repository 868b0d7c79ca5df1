import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIMITS, MIN_PASSWORD_LENGTH } from "../../protocol/limits";
import type { NotificationList } from "../../protocol/console";
import { chargeAttempt, type AccountFailures } from "../../worker/auth/sign-in-lock";
import { SESSION_IDLE_MS } from "../../worker/db/sessions";
import { expectRefusal, expiredCookie } from "./attack-helpers";
import { newAdmin, newPlainAgent } from "./console-admin-helpers";
import { asAgent } from "./console-fixtures";
import { BASE, call, createWorkspace, freshIp, signIn } from "./fixtures";
import { agentIdByEmail, attempt, cookieOf, eventually, meStatus, sessionCount, tokenHashOf } from "./session-helpers";

const PLAIN_PASSWORD = "plain agent password";
const ACCOUNT = LIMITS.http.signInAccount;
/** Seconds for one token of the account bucket to come back: the first lock. */
const FIRST_LOCK_S = 1 / ACCOUNT.perSecond;

async function expectLocked(res: Response, what: string): Promise<number> {
  expect((await expectRefusal(res, [429], what)).code).toBe("rate_limited");
  expect(res.headers.get("set-cookie"), `${what}: no cookie`).toBeNull();
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1, `${what}: Retry-After ${retryAfter}`).toBe(true);
  return retryAfter;
}

/** Guesses from a new address each time, as an attacker with many addresses would. */
async function guess(email: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await attempt(email, `guess number ${i}`)).status);
  return statuses;
}

/** As if the account's lock had run out: its clock is moved back by the time left, plus a second. */
async function waitOutLock(email: string): Promise<void> {
  const row = await env.DB.prepare("SELECT locked_until FROM sign_in_failures WHERE email = ?").bind(email).first<{ locked_until: number }>();
  const shift = Math.max(0, row!.locked_until - Date.now()) + 1000;
  await env.DB.prepare("UPDATE sign_in_failures SET at = at - ?, locked_until = locked_until - ? WHERE email = ?").bind(shift, shift, email).run();
}

describe("per-account lock with a growing delay", () => {
  it("guessing from rotating addresses locks the account after its burst; the right password is refused during the lock", async () => {
    const admin = await newAdmin();
    const plain = await newPlainAgent(admin);
    const victim = (await env.DB.prepare("SELECT email FROM agents WHERE id = ?").bind(plain.agentId).first<{ email: string }>())!.email;
    const sessionsBefore = await sessionCount(plain.agentId);

    expect(await guess(victim, ACCOUNT.burst)).toEqual(Array(ACCOUNT.burst).fill(401));
    const first = await expectLocked(await attempt(victim, PLAIN_PASSWORD), "the right password, from a fresh address, during the lock");
    expect(first).toBeGreaterThan(FIRST_LOCK_S - 30);
    expect(first).toBeLessThanOrEqual(FIRST_LOCK_S);
    expect(await sessionCount(plain.agentId), "the refused right password opened no session").toBe(sessionsBefore);

    // Each time the attacker waits out the lock and fails again, the lock doubles.
    let previous = first;
    for (let round = 0; round < 3; round++) {
      await waitOutLock(victim);
      expect((await attempt(victim, "one more guess")).status).toBe(401);
      const next = await expectLocked(await attempt(victim, PLAIN_PASSWORD), `lock ${round + 2}`);
      expect(next, `lock ${round + 2} doubles`).toBeGreaterThanOrEqual(Math.floor(previous * 1.9));
      previous = next;
    }

    // The admin next door and the plain agent's existing session are unaffected.
    expect((await attempt(admin.agentEmail, "correct horse battery")).status).toBe(200);
    expect(await meStatus(plain.cookie)).toBe(200);

    // An admin setting a new password is the way back in: it lifts the lock.
    expect((await admin.request("PUT", `/agents/${plain.agentId}/password`, { password: "a brand new password" })).status).toBe(204);
    expect((await attempt(victim, "a brand new password")).status).toBe(200);
  }, 30_000);

  it("a success ends the run of failures, so occasional typos never lock anyone", async () => {
    const ws = await createWorkspace();
    for (let run = 0; run < 3; run++) {
      expect(await guess(ws.agentEmail, ACCOUNT.burst - 1)).toEqual(Array(ACCOUNT.burst - 1).fill(401));
      expect((await attempt(ws.agentEmail, "correct horse battery")).status).toBe(200);
    }
    expect(await env.DB.prepare("SELECT 1 FROM sign_in_failures WHERE email = ?").bind(ws.agentEmail).first()).toBeNull();
  }, 30_000);

  it("parallel guesses each pay before any password is checked: no burst gets more tries than the limit", async () => {
    const ws = await createWorkspace();
    const statuses = await Promise.all(Array.from({ length: ACCOUNT.burst + 10 }, (_, i) => attempt(ws.agentEmail, `parallel ${i}`).then((r) => r.status)));
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // Those refused for contention took nothing; the account gets exactly its burst of wrong guesses in all.
    let wrong = statuses.filter((s) => s === 401).length;
    expect(wrong).toBeLessThanOrEqual(ACCOUNT.burst);
    for (;;) {
      const res = await attempt(ws.agentEmail, "one at a time");
      if (res.status !== 401) break;
      wrong++;
    }
    expect(wrong).toBe(ACCOUNT.burst);
    await expectLocked(await attempt(ws.agentEmail, "correct horse battery"), "after the parallel burst");
  }, 30_000);

  it("the rule itself: first lock one refill, then doubling up to the ceiling; a quiet spell forgives", () => {
    let state: AccountFailures | null = null;
    let now = 1_000_000;
    const locks: number[] = [];
    for (let i = 0; i < 200 && locks.length < 10; i++) {
      const charged = chargeAttempt(ACCOUNT, state, now);
      if (!charged.ok) throw new Error("charged while locked");
      state = charged.next;
      if (state.lockedUntil > now) {
        locks.push(Math.round((state.lockedUntil - now) / 1000));
        const refused = chargeAttempt(ACCOUNT, state, state.lockedUntil - 1);
        expect(refused.ok, "refused until the lock is over").toBe(false);
        now = state.lockedUntil;
      }
    }
    const refill = Math.round(FIRST_LOCK_S);
    expect(locks).toEqual([1, 2, 4, 8, 16, 32, 64, 64, 64, 64].map((k) => Math.min(LIMITS.signInLockMaxSeconds, refill * k)));
    const quiet = chargeAttempt(ACCOUNT, state, now + LIMITS.signInLockMaxSeconds * 1000 + (ACCOUNT.burst / ACCOUNT.perSecond) * 1000);
    expect(quiet.ok && quiet.next.strikes === 0 && quiet.next.failures === 1).toBe(true);
  });
});

describe("no account enumeration", () => {
  it("an unknown email gets the same answers as a real one: 401s, then the same lock", async () => {
    const ws = await createWorkspace();
    const nobody = `nobody-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const answers: Record<string, unknown[]> = {};
    for (const email of [ws.agentEmail, nobody]) {
      const list: unknown[] = [];
      for (let i = 0; i < ACCOUNT.burst; i++) {
        const res = await attempt(email, `wrong ${i}`);
        list.push([res.status, await res.json()]);
      }
      const locked = await attempt(email, "correct horse battery");
      const retryAfter = await expectLocked(locked.clone(), `${email} locked`);
      list.push([locked.status, ((await locked.json()) as { error: { message: string } }).error.message.replace(/\d+ seconds/, "N seconds"), retryAfter > FIRST_LOCK_S - 30]);
      answers[email] = list;
    }
    expect(answers[nobody]).toEqual(answers[ws.agentEmail]);
  }, 30_000);

  it("a wrong password takes about as long for an unknown email as for a real one", async () => {
    const ws = await createWorkspace();
    const nobody = `nobody-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const median = async (email: string) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const started = performance.now();
        expect((await attempt(email, `timing ${i}`)).status).toBe(401);
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[3]!;
    };
    await median(`warmup-${crypto.randomUUID().slice(0, 6)}@example.com`);
    const [known, unknown] = [await median(ws.agentEmail), await median(nobody)];
    expect(unknown / known, `known ${known} ms, unknown ${unknown} ms`).toBeGreaterThan(0.5);
    expect(unknown / known, `known ${known} ms, unknown ${unknown} ms`).toBeLessThan(2);
  }, 30_000);
});

describe("the per-network limit", () => {
  it("one IPv6 /64 trying many emails stops at its burst, whatever the email; the next /64 is unaffected", async () => {
    const ws = await createWorkspace();
    const net = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
    const statuses: number[] = [];
    for (let i = 1; i <= LIMITS.http.signInNetwork.burst; i++) {
      statuses.push((await attempt(`spray-${i}-${crypto.randomUUID().slice(0, 4)}@example.com`, "Winter2026!", `${net}::${i.toString(16)}`)).status);
    }
    expect(statuses).toEqual(Array(LIMITS.http.signInNetwork.burst).fill(401));
    const blocked = await attempt(ws.agentEmail, "correct horse battery", `${net}::beef`);
    expect((await expectRefusal(blocked, [429], "the /64 over its burst")).code).toBe("rate_limited");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await attempt(ws.agentEmail, "correct horse battery", `${net.replace(/:7$/, ":8")}::1`)).status).toBe(200);
  }, 30_000);
});

describe("the admins are told about repeated failures", () => {
  const signInAlerts = async (workspaceId: string) =>
    (await env.DB.prepare("SELECT admin_id, agent_email FROM sign_in_alerts WHERE workspace_id = ?").bind(workspaceId).all()).results;
  const alertEmails = async (workspaceId: string) =>
    (
      await env.DB.prepare("SELECT to_address, subject, text_body FROM email_outbox WHERE workspace_id = ? AND template = 'admin_alert'")
        .bind(workspaceId)
        .all<{ to_address: string; subject: string; text_body: string }>()
    ).results;

  it("once per run of failures: a console notification for each admin and an email in the outbox", async () => {
    const admin = await newAdmin();
    const plain = await newPlainAgent(admin);
    const victim = (await env.DB.prepare("SELECT email FROM agents WHERE id = ?").bind(plain.agentId).first<{ email: string }>())!.email;

    await guess(victim, LIMITS.signInAlertAfter - 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await signInAlerts(admin.workspaceId)).toEqual([]);

    await guess(victim, 1);
    await eventually(async () => (await alertEmails(admin.workspaceId)).length > 0, "the alert email");
    const emails = await alertEmails(admin.workspaceId);
    expect(emails.map((e) => e.to_address)).toEqual([admin.agentEmail]);
    expect(emails[0]!.subject).toContain(victim);
    expect(emails[0]!.text_body).toContain(`${LIMITS.signInAlertAfter} sign-ins`);

    const list = await asAgent(admin.cookie).json<NotificationList>("/api/console/notifications");
    expect(list.notifications).toEqual([expect.objectContaining({ kind: "sign_in", conversationId: null, unseen: true, authorName: "Plain Agent" })]);
    expect(list.notifications[0]!.preview).toContain(victim);
    expect(list.unseen).toBe(1);
    // The agent whose account it is, not an admin, is not the one told.
    expect((await asAgent(plain.cookie).json<NotificationList>("/api/console/notifications")).notifications).toEqual([]);

    // The rest of the run, lock included, tells nobody again.
    await guess(victim, ACCOUNT.burst);
    await new Promise((r) => setTimeout(r, 200));
    expect(await signInAlerts(admin.workspaceId)).toHaveLength(1);
    expect(await alertEmails(admin.workspaceId)).toHaveLength(1);

    expect((await asAgent(admin.cookie).post("/api/console/notifications/sign-in/seen")).status).toBe(204);
    expect((await asAgent(admin.cookie).json<NotificationList>("/api/console/notifications")).unseen).toBe(0);
  }, 30_000);

  it("a new run after a success is told again; an unknown email tells nobody", async () => {
    const admin = await newAdmin();
    await guess(admin.agentEmail, LIMITS.signInAlertAfter);
    expect((await attempt(admin.agentEmail, "correct horse battery")).status).toBe(200);
    await guess(admin.agentEmail, LIMITS.signInAlertAfter);
    await eventually(async () => (await alertEmails(admin.workspaceId)).length === 2, "a second alert for the second run");
    expect(await signInAlerts(admin.workspaceId)).toHaveLength(2);

    const before = (await env.DB.prepare("SELECT COUNT(*) AS n FROM sign_in_alerts").first<{ n: number }>())!.n;
    await guess(`ghost-${crypto.randomUUID().slice(0, 8)}@example.com`, LIMITS.signInAlertAfter + 1);
    await new Promise((r) => setTimeout(r, 200));
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM sign_in_alerts").first<{ n: number }>())!.n).toBe(before);
  }, 30_000);
});

describe("changing one's own password", () => {
  it("needs the current password, under the same lock; ends the agent's other sessions and keeps this one", async () => {
    const ws = await createWorkspace();
    const here = await signIn(ws);
    const there = await signIn(ws);
    const agentId = await agentIdByEmail(ws.agentEmail);
    const change = (body: unknown) => asAgent(here).post("/api/console/me/password", body);
    const hashBefore = (await env.DB.prepare("SELECT password_hash FROM agents WHERE id = ?").bind(agentId).first<{ password_hash: string }>())!.password_hash;

    const short = await expectRefusal(await change({ currentPassword: "correct horse battery", newPassword: "x".repeat(MIN_PASSWORD_LENGTH - 1) }), [400], "a short new password");
    expect(short.message).toContain(`at least ${MIN_PASSWORD_LENGTH} characters`);
    expect((await expectRefusal(await change({ currentPassword: "not it at all", newPassword: "a fine new password" }), [403], "a wrong current password")).code).toBe("wrong_password");
    const unchanged = await env.DB.prepare("SELECT password_hash FROM agents WHERE id = ?").bind(agentId).first<{ password_hash: string }>();
    expect(unchanged!.password_hash).toBe(hashBefore);
    expect(await meStatus(there)).toBe(200);

    expect((await change({ currentPassword: "correct horse battery", newPassword: "a fine new password" })).status).toBe(204);
    expect(await meStatus(here)).toBe(200);
    expect(await meStatus(there)).toBe(401);
    expect((await attempt(ws.agentEmail, "correct horse battery")).status).toBe(401);
    expect((await attempt(ws.agentEmail, "a fine new password")).status).toBe(200);
  });

  it("a stolen session cannot be used to guess the current password past the account's lock", async () => {
    const ws = await createWorkspace();
    const stolen = await signIn(ws);
    for (let i = 0; i < ACCOUNT.burst; i++) {
      expect((await asAgent(stolen).post("/api/console/me/password", { currentPassword: `guess ${i}`, newPassword: "attacker's password" })).status).toBe(403);
    }
    await expectLocked(await asAgent(stolen).post("/api/console/me/password", { currentPassword: "correct horse battery", newPassword: "attacker's password" }), "the change during the lock");
    await expectLocked(await attempt(ws.agentEmail, "correct horse battery"), "sign-in shares the lock");
  }, 30_000);
});

describe("session cookies and lifetimes", () => {
  const at = (base: string, path: string, init: RequestInit = {}) => exports.default.fetch(new Request(`${base}${path}`, init));
  const signInAt = (base: string, email: string) =>
    at(base, "/api/console/session", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": freshIp() },
      body: JSON.stringify({ email, password: "correct horse battery" }),
    });

  it("is __Host-: Secure, Path=/, no Domain, HttpOnly, SameSite=Strict; the plain name is not accepted over https", async () => {
    const ws = await createWorkspace();
    const res = await signInAt(BASE, ws.agentEmail);
    const attributes = (res.headers.get("set-cookie") ?? "").split(";").map((a) => a.trim().toLowerCase());
    expect(attributes[0]).toMatch(/^__host-parley_session=[a-z0-9_-]{40,}$/);
    expect(attributes).toEqual(expect.arrayContaining(["secure", "path=/", "httponly", "samesite=strict", `max-age=${7 * 24 * 3600}`]));
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
    // A cookie planted by a sibling subdomain or over plain http could only carry the plain name.
    const token = cookieOf(res).split("=")[1];
    expect(await meStatus(`parley_session=${token}`)).toBe(401);
    expect(await meStatus(cookieOf(res))).toBe(200);
  });

  it("is __Host- on http://localhost too (browsers keep Secure cookies there), and the plain name on plain http elsewhere", async () => {
    const ws = await createWorkspace();
    const local = await signInAt("http://localhost:8787", ws.agentEmail);
    expect(local.headers.get("set-cookie")).toMatch(/^__Host-parley_session=[^;]+;.*Secure/);
    const lan = await signInAt("http://console.lan", ws.agentEmail);
    const cookie = lan.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^parley_session=/);
    expect(cookie).not.toMatch(/Secure/i);
    expect((await at("http://console.lan", "/api/console/me", { headers: { cookie: cookieOf(lan) } })).status).toBe(200);
  });

  it("a session idle longer than the idle timeout is refused, as is one past its absolute expiry", async () => {
    const ws = await createWorkspace();
    const idle = await signIn(ws);
    await env.DB.prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?").bind(Date.now() - SESSION_IDLE_MS - 1000, await tokenHashOf(idle)).run();
    expect((await expectRefusal(await call("/api/console/me", { headers: { cookie: idle } }), [401], "an idle session")).code).toBe("unauthorized");
    const expired = await expiredCookie(ws);
    expect(await meStatus(expired)).toBe(401);
    const fresh = await signIn(ws);
    expect(await meStatus(fresh)).toBe(200);
  });

  it("use keeps a session alive, written at most once a minute", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws);
    const hash = await tokenHashOf(cookie);
    const seen = async () => (await env.DB.prepare("SELECT last_seen_at FROM sessions WHERE token_hash = ?").bind(hash).first<{ last_seen_at: number }>())!.last_seen_at;
    const first = await seen();
    for (let i = 0; i < 3; i++) expect(await meStatus(cookie)).toBe(200);
    expect(await seen(), "no write within the minute").toBe(first);
    const old = Date.now() - SESSION_IDLE_MS + 90_000;
    await env.DB.prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?").bind(old, hash).run();
    expect(await meStatus(cookie)).toBe(200);
    expect(await seen()).toBeGreaterThan(Date.now() - 5000);
  });

});
