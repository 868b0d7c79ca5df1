import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { consoleInboxQuery } from "../../protocol/console";
import { RoomStore } from "../../durable-objects/room-store";
import { getConversationDetail, listInboxPage } from "../../worker/db/inbox";

/**
 * The queries that grow with a workspace or a conversation must read what they return, not
 * everything: checked on the SQL the code really sends, with SQLite's EXPLAIN QUERY PLAN.
 * `npm run bench` times the same queries over 100,000 conversations and 100,000 messages.
 */

type Statement = { sql: string; params: unknown[] };
type PlanRow = { id: number; parent: number; detail: string };

/** A D1 database that notes every statement the code under test binds, with its parameters. */
function recording(db: D1Database, statements: Statement[]): D1Database {
  const bound = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop) as unknown;
    return typeof value === "function" ? value.bind(target) : value;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== "prepare") return bound(target, prop);
      return (sql: string) =>
        new Proxy(target.prepare(sql), {
          get(stmt, p) {
            if (p !== "bind") return bound(stmt, p);
            return (...params: unknown[]) => {
              statements.push({ sql, params });
              return stmt.bind(...params);
            };
          },
        });
    },
  });
}

/**
 * What in a plan reads more than the rows asked for:
 * - a SCAN of a table (a constant row, a subquery's own rows and full-text indexes are fine);
 * - a sort of the whole result before the LIMIT, where the rows should come off an index in order;
 * - a subquery that searches on the workspace alone, so visits every row of the workspace.
 * The outermost loop may search on the workspace alone when nothing sorts after it: the LIMIT stops it.
 */
function wholeReads(plan: PlanRow[]): string[] {
  const subqueries = new Set(plan.flatMap((r) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(r.detail)?.[1] ?? []));
  const topLevel = new Set(plan.filter((r) => r.parent === 0).map((r) => r.id));
  return plan
    .filter((r) => {
      const scan = /^SCAN (\S+)/.exec(r.detail);
      if (scan) return !(r.detail === "SCAN CONSTANT ROW" || subqueries.has(scan[1]!) || r.detail.includes("VIRTUAL TABLE"));
      if (r.detail === "USE TEMP B-TREE FOR ORDER BY") return topLevel.has(r.id);
      if (/^SEARCH \S+ USING (?:COVERING )?INDEX \S+ \(workspace_id=\?\)$/.test(r.detail)) return !topLevel.has(r.id);
      return false;
    })
    .map((r) => r.detail);
}

async function d1Plan({ sql, params }: Statement): Promise<PlanRow[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<PlanRow>();
  return results;
}

async function inboxPlans(query: Record<string, string>): Promise<PlanRow[][]> {
  const statements: Statement[] = [];
  await listInboxPage(recording(env.DB, statements), "ws_plans", "ag_plans", consoleInboxQuery.parse(query));
  expect(statements).toHaveLength(1);
  return Promise.all(statements.map(d1Plan));
}

const details = (plan: PlanRow[]) => plan.map((r) => r.detail);

describe("the inbox reads one page, however large the workspace", () => {
  const pages: [string, Record<string, string>][] = [
    ["Active, the console's first view", {}],
    ["the next page, from a cursor", { cursor: "1790000000000~cv_plans" }],
    ["Archived", { filter: "archived" }],
    ["Attentive or Answered", { attention: "answered" }],
    ["an account's threads", { accountId: "acc_plans" }],
    ["All", { filter: "all" }],
    ["Unread", { filter: "unread" }],
  ];
  for (const [name, query] of pages) {
    it(name, async () => {
      for (const plan of await inboxPlans(query)) expect(wholeReads(plan), details(plan).join("\n")).toEqual([]);
    });
  }

  it("a search, driven from its full-text hits", async () => {
    for (const plan of await inboxPlans({ q: "payroll" })) {
      expect(wholeReads(plan), details(plan).join("\n")).toEqual([]);
      // A contact's hits reach their threads through the index on (workspace, contact).
      expect(details(plan)).toContain("SEARCH c2 USING INDEX conversations_contact (workspace_id=? AND contact_id=?)");
    }
  });

  it("a thread's header finds its conversation and messages by key", async () => {
    const statements: Statement[] = [];
    await getConversationDetail(recording(env.DB, statements), "ws_plans", "ag_plans", "cv_plans");
    const plans = await Promise.all(statements.map(d1Plan));
    for (const plan of plans) expect(wholeReads(plan), details(plan).join("\n")).toEqual([]);
    const [conversation, requestNote, followUps] = plans.map(details);
    expect(plans).toHaveLength(3);
    // The conversations it continues and that continue it: by key, and by the partial follow-up index.
    expect(followUps).toContain("SEARCH f USING INDEX conversations_follow_ups (workspace_id=? AND follow_up_of=?)");
    expect(conversation).toContain("SEARCH c USING INDEX sqlite_autoindex_conversations_1 (workspace_id=? AND id=?)");
    // Its request note reads the thread's messages in order off their key: no sort, no other thread.
    expect(requestNote).toEqual(["SEARCH messages USING INDEX sqlite_autoindex_messages_1 (workspace_id=? AND conversation_id=?)"]);
  });
});

describe("a room reads a history page, and checks a send, by key", () => {
  it("history pages, the clientId check and the next seq never scan the messages", async () => {
    const stub = env.ROOM.get(env.ROOM.idFromName("query-plans"));
    const plans = await runInDurableObject(stub, (_room, state) => {
      const sql = state.storage.sql;
      const statements: Statement[] = [];
      const store = new RoomStore({
        exec: (query: string, ...bindings: SqlStorageValue[]) => {
          statements.push({ sql: query, params: bindings });
          return sql.exec(query, ...bindings);
        },
      } as SqlStorage);
      statements.length = 0;
      store.messagesAfter(50_000, 200);
      store.findByClientId("client-id-1");
      store.lastSeq();
      return statements.map(({ sql: query, params }) => ({
        query,
        plan: sql.exec<PlanRow>(`EXPLAIN QUERY PLAN ${query}`, ...(params as SqlStorageValue[])).toArray(),
      }));
    });
    expect(plans.map((p) => [p.query, details(p.plan)])).toEqual([
      ["SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?", ["SEARCH messages USING INTEGER PRIMARY KEY (rowid>?)"]],
      ["SELECT * FROM messages WHERE client_id = ?", ["SEARCH messages USING INDEX sqlite_autoindex_messages_1 (client_id=?)"]],
      ["SELECT COALESCE(MAX(seq), 0) AS s FROM messages", ["SEARCH messages"]],
    ]);
  });
});
