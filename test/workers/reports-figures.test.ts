import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReportResponse } from "../../protocol/reports";
import { newId } from "../../worker/db/ids";
import { businessMs } from "../../worker/reports/business-time";
import { call } from "./fixtures";
import { addConversation, hel, MIN, reportsWorkspace, type ReportsWorkspace } from "./reports-fixture";

/**
 * Every figure on a fixture whose answers were worked out by hand (docs/reports.md defines them).
 * Helsinki moves its clocks from 03:00 to 04:00 on Sunday 2026-03-29: that Sunday is 23 hours long,
 * and Monday 00:30 local is still Sunday in UTC.
 */
const HOURS = { timeZone: "Europe/Helsinki", days: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]])) } as never;

describe("business time", () => {
  it("counts only opening hours, across a weekend and a DST change", () => {
    // Fri 16:50 → Mon 09:05: 10 minutes on Friday, 5 on Monday.
    expect(businessMs(HOURS, hel("2026-03-27 16:50", "+02:00"), hel("2026-03-30 09:05", "+03:00"))).toBe(15 * MIN);
    expect(businessMs(null, hel("2026-03-27 16:50", "+02:00"), hel("2026-03-30 09:05", "+03:00"))).toBe(hel("2026-03-30 09:05", "+03:00") - hel("2026-03-27 16:50", "+02:00"));
    // A whole week Mon 00:00 → next Mon 00:00 is 5 × 8 hours, whatever the clocks did.
    expect(businessMs(HOURS, hel("2026-03-23 00:00", "+02:00"), hel("2026-03-30 00:00", "+03:00"))).toBe(40 * 60 * MIN);
  });

  it("reads an interval past midnight and the whole day as isOpen does", () => {
    const night = { timeZone: "Europe/Helsinki", days: { sat: [["22:00", "02:00"]] } } as never;
    // Sat 2026-03-28 21:00 → Sun 01:00: 22:00–01:00 = 3 h.
    expect(businessMs(night, hel("2026-03-28 21:00", "+02:00"), hel("2026-03-29 01:00", "+02:00"))).toBe(3 * 60 * MIN);
    // ["00:00", "00:00"] is the whole day, and Sunday 2026-03-29 is 23 hours long.
    const sunday = { timeZone: "Europe/Helsinki", days: { sun: [["00:00", "00:00"]] } } as never;
    expect(businessMs(sunday, hel("2026-03-28 12:00", "+02:00"), hel("2026-03-30 12:00", "+03:00"))).toBe(23 * 60 * MIN);
  });
});

describe("a report over the fixture", () => {
  let w: ReportsWorkspace;
  const ids: Record<string, string> = {};
  const report = async (query: string, key = w.ws.apiKey) => {
    const res = await call(`/api/v1/reports/summary?${query}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as ReportResponse;
  };

  beforeAll(async () => {
    w = await reportsWorkspace();
    // A: Friday before closing, accepted Monday morning: 15 business minutes of waiting.
    ids.a = await addConversation(w, {
      channel: "hours", topic: "Billing", origin: "visitor", agent: "first",
      createdAt: hel("2026-03-27 16:50", "+02:00"), acceptedAt: hel("2026-03-30 09:05", "+03:00"),
      firstReplyAt: hel("2026-03-30 09:10", "+03:00"), endedAt: hel("2026-03-30 09:40", "+03:00"), endedBy: "agent",
      feedback: { satisfied: true, rating: 5, comment: "Great help" },
      survey: { sentAt: hel("2026-03-30 10:00", "+03:00"), repliedAt: hel("2026-03-30 12:00", "+03:00") },
    });
    // B: Sunday 02:30, before the clocks move; nobody came, the visitor left at 04:30 (after them): missed.
    ids.b = await addConversation(w, {
      channel: "hours", origin: "visitor", createdAt: hel("2026-03-29 02:30", "+02:00"), endedAt: hel("2026-03-29 04:30", "+03:00"), endedBy: "visitor_left",
    });
    // C: Sunday 04:30 summer time on the always-open channel, second agent, an unhappy comment that looks like a formula.
    ids.c = await addConversation(w, {
      channel: "always", topic: "Billing", origin: "visitor", agent: "second",
      createdAt: hel("2026-03-29 04:30", "+03:00"), acceptedAt: hel("2026-03-29 04:32", "+03:00"),
      firstReplyAt: hel("2026-03-29 04:33", "+03:00"), endedAt: hel("2026-03-29 04:50", "+03:00"), endedBy: "visitor",
      feedback: { satisfied: false, rating: 2, comment: '=HYPERLINK("https://evil.example")' },
      survey: { sentAt: hel("2026-03-29 05:00", "+03:00") },
    });
    // E: Monday 00:30 local (Sunday 21:30 UTC), reopened once, open until 09:10: overlaps A for the first agent. Deleted below.
    ids.e = await addConversation(w, {
      channel: "always", topic: "Login", origin: "visitor", agent: "first", reopened: 1,
      createdAt: hel("2026-03-30 00:30", "+03:00"), acceptedAt: hel("2026-03-30 00:40", "+03:00"),
      firstReplyAt: hel("2026-03-30 00:41", "+03:00"), endedAt: hel("2026-03-30 09:10", "+03:00"), endedBy: "visitor",
      feedback: { satisfied: null, rating: null, comment: "My account number is 1234" },
    });
    // F: the first agent's own thread on Monday 10:00, closed at 10:30.
    ids.f = await addConversation(w, {
      channel: "hours", origin: "agent", agent: "first", createdAt: hel("2026-03-30 10:00", "+03:00"), endedAt: hel("2026-03-30 10:30", "+03:00"), endedBy: "agent",
    });
    // Outside the range by a minute on each side (Thursday 23:59, Tuesday 00:00).
    await addConversation(w, { channel: "always", origin: "visitor", createdAt: hel("2026-03-26 23:59", "+02:00") });
    await addConversation(w, { channel: "always", origin: "visitor", createdAt: hel("2026-03-31 00:00", "+03:00") });
    const contact = (await env.DB.prepare("SELECT contact_id FROM conversations WHERE workspace_id = ? AND id = ?").bind(w.ws.workspaceId, ids.a).first<{ contact_id: string }>())!.contact_id;
    await env.DB.prepare("INSERT INTO tickets (workspace_id, id, number, channel_id, contact_id, question, created_at) VALUES (?, ?, 1001, ?, ?, 'Closed?', ?)")
      .bind(w.ws.workspaceId, newId("tk"), w.channels.hours, contact, hel("2026-03-27 18:00", "+02:00"))
      .run();
    // Labels: A is urgent and VIP, C urgent; E was labelled too, and its labels go with it.
    const label = (name: string, color: string) => {
      const id = newId("lb");
      return { id, insert: env.DB.prepare("INSERT INTO labels (workspace_id, id, name, color, created_at) VALUES (?, ?, ?, ?, 0)").bind(w.ws.workspaceId, id, name, color) };
    };
    const [urgent, vip] = [label("Urgent", "#c0392b"), label("VIP", "#2f5bea")];
    const put = (conversationId: string, labelId: string) =>
      env.DB.prepare("INSERT INTO conversation_labels (workspace_id, conversation_id, label_id, created_at) VALUES (?, ?, ?, 0)").bind(w.ws.workspaceId, conversationId, labelId);
    await env.DB.batch([urgent.insert, vip.insert, put(ids.a!, urgent.id), put(ids.a!, vip.id), put(ids.c!, urgent.id), put(ids.e!, vip.id)]);
    // As deleteConversation's D1 step does (reports-facts.test.ts deletes a live one through the API).
    await env.DB.prepare("DELETE FROM conversations WHERE workspace_id = ? AND id = ?").bind(w.ws.workspaceId, ids.e).run();
  });

  it("totals: volume, missed, tickets, nearest-rank median and p90 of each duration, satisfaction", async () => {
    const r = await report("from=2026-03-27&to=2026-03-30");
    expect(r.timeZone).toBe("Europe/Helsinki");
    expect(r.scope).toBe("all");
    expect(r.totals).toEqual({
      started: 5, // A B C E F: the deleted E still happened
      accepted: 3, // A C E
      missed: 1, // B
      tickets: 1,
      wait: { median: 10 * MIN, p90: 15 * MIN, count: 3 }, // C 2, E 10, A 15 (business)
      firstResponse: { median: 11 * MIN, p90: 20 * MIN, count: 3 }, // C 3, E 11, A 20 (business: Fri 10 + Mon 10)
      resolution: { median: 30 * MIN, p90: 510 * MIN, count: 4 }, // C 18, F 30, A 35, E 510
      satisfiedShare: 0.5, // A yes, C no
      averageRating: 3.5, // 5 and 2
      endFormRate: 1, // A, C, E answered; all three were taken and ended
      surveyRate: 0.5, // A replied, C did not
    });
  });

  it("days in local time across the DST change, weeks from Monday, the heat map in local hours", async () => {
    const r = await report("from=2026-03-27&to=2026-03-30");
    expect(r.series.map((s) => [s.period, s.started, s.accepted, s.missed, s.tickets])).toEqual([
      ["2026-03-27", 1, 1, 0, 1],
      ["2026-03-28", 0, 0, 0, 0],
      ["2026-03-29", 2, 1, 1, 0],
      ["2026-03-30", 2, 1, 0, 0], // E is Monday although it is Sunday in UTC
    ]);
    expect(r.series[0]!.wait).toEqual({ median: 15 * MIN, p90: 15 * MIN, count: 1 });
    expect(r.series[1]!.wait).toEqual({ median: null, p90: null, count: 0 });
    const weeks = await report("from=2026-03-27&to=2026-03-30&group=week");
    expect(weeks.series.map((s) => [s.period, s.started])).toEqual([["2026-03-23", 3], ["2026-03-30", 2]]);
    const months = await report("from=2026-03-27&to=2026-04-02&group=month");
    expect(months.series.map((s) => [s.period, s.started])).toEqual([["2026-03-01", 6], ["2026-04-01", 0]]); // Tuesday 31 March 00:00 is still March
    const cells = Object.fromEntries(r.heatmap.map((h) => [`${h.weekday}:${h.hour}`, h.conversations]));
    expect(cells).toEqual({ "4:16": 1, "6:2": 1, "6:4": 1, "0:0": 1, "0:10": 1 });
  });

  it("agents: handled, peak concurrency, first response; topics; comments newest first without the deleted one", async () => {
    const r = await report("from=2026-03-27&to=2026-03-30");
    expect(r.agents).toEqual([
      { agentId: w.agents.first, name: expect.any(String), handled: 3, peakConcurrent: 2, firstResponseMedian: 11 * MIN, averageRating: 5 },
      { agentId: w.agents.second, name: "Second Agent", handled: 1, peakConcurrent: 1, firstResponseMedian: 3 * MIN, averageRating: 2 },
    ]);
    expect(r.topics).toEqual([{ topic: "Billing", conversations: 2 }, { topic: "Login", conversations: 1 }]);
    expect(r.labels).toEqual([
      { name: "Urgent", color: "#c0392b", conversations: 2 },
      { name: "VIP", color: "#2f5bea", conversations: 1 },
    ]);
    expect(r.comments.map((c) => [c.conversationId, c.comment, c.rating])).toEqual([
      [ids.a, "Great help", 5],
      [ids.c, '=HYPERLINK("https://evil.example")', 2],
    ]);
    const row = await env.DB.prepare("SELECT deleted_at, comment, contact_id FROM conversation_facts WHERE workspace_id = ? AND conversation_id = ?").bind(w.ws.workspaceId, ids.e).first();
    expect(row).toMatchObject({ comment: null, contact_id: null });
    expect(row!.deleted_at).toEqual(expect.any(Number));
  });

  it("filters by channel, agent and team; tickets only without an agent or team", async () => {
    const always = await report(`from=2026-03-27&to=2026-03-30&channel=${w.channels.always}`);
    expect([always.totals.started, always.totals.tickets]).toEqual([2, 0]);
    const second = await report(`from=2026-03-27&to=2026-03-30&agent=${w.agents.second}`);
    expect([second.totals.started, second.totals.tickets, second.totals.wait.median]).toEqual([1, null, 2 * MIN]);
    const team = await report(`from=2026-03-27&to=2026-03-30&team=${w.team}`);
    expect(team.totals).toEqual(second.totals);
  });

  it("exports the daily figures and the conversations as CSV a spreadsheet opens", async () => {
    const daily = await call("/api/v1/reports/daily.csv?from=2026-03-27&to=2026-03-30", { headers: { authorization: `Bearer ${w.ws.apiKey}` } });
    expect(daily.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const dailyLines = (await daily.text()).replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(dailyLines[0]).toBe(
      "period,started,accepted,missed,tickets,wait_median_s,wait_p90_s,first_response_median_s,first_response_p90_s,resolution_median_s,resolution_p90_s,satisfied_share,average_rating,end_form_rate,survey_rate",
    );
    expect(dailyLines[1]).toBe("2026-03-27,1,1,0,1,900,900,1200,1200,2100,2100,1,5,1,1");
    expect(dailyLines).toHaveLength(5);

    const page1 = await call("/api/v1/reports/conversations.csv?from=2026-03-27&to=2026-03-30&limit=2", { headers: { authorization: `Bearer ${w.ws.apiKey}` } });
    const link = page1.headers.get("link")!;
    expect(link).toMatch(/^<\/api\/v1\/reports\/conversations\.csv\?.*after=.*>; rel="next"$/);
    const lines1 = (await page1.text()).replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines1[0]).toBe(
      "conversation_id,channel,agent,contact_name,contact_email,account,topic,labels,created_at,accepted_at,first_agent_reply_at,ended_at,ended_reason,wait_s,first_response_s,resolution_s,satisfied,rating,comment,reopened",
    );
    expect(lines1.slice(1).map((l) => l.split(",")[0])).toEqual([ids.a, ids.b]);
    expect(lines1[1]).toContain(",Support,");
    expect(lines1[1]).toContain(",Billing,Urgent; VIP,");
    expect(lines1[1]).toContain(",2026-03-27T14:50:00.000Z,2026-03-30T06:05:00.000Z,");
    const page2 = await call(link.slice(1, link.indexOf(">")), { headers: { authorization: `Bearer ${w.ws.apiKey}` } });
    expect(page2.headers.get("link")).toBeNull();
    const lines2 = (await page2.text()).replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    // E is deleted: its figures count, its row is gone. C's formula is quoted text.
    expect(lines2.slice(1).map((l) => l.split(",")[0])).toEqual([ids.c, ids.f]);
    expect(lines2[1]).toContain(`,"'=HYPERLINK(""https://evil.example"")",`);
  });

  it("refuses bad ranges with a clear 400 and changes nothing", async () => {
    for (const [query, text] of [
      ["from=2026-03-30&to=2026-03-27", "from must not be after to"],
      ["from=2025-01-01&to=2026-03-30", "at most 400 days"],
      ["from=yesterday", "YYYY-MM-DD"],
      ["group=year", "group"],
      ["limit=5", "limit"],
    ]) {
      const res = await call(`/api/v1/reports/summary?${query}`, { headers: { authorization: `Bearer ${w.ws.apiKey}` } });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(text);
    }
  });
});
