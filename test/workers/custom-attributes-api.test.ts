import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationResource } from "../../protocol/api-v1";
import type { CustomAttribute } from "../../protocol/custom-attributes";
import { LIMITS } from "../../protocol/limits";
import { setAttributes } from "../../worker/db/custom-attributes";
import { call, createWorkspace, type Workspace } from "./fixtures";

type ErrorBody = { error: { code: string; message: string } };

function api(ws: Workspace, path: string, init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  return call(`/api/v1${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${ws.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    body,
  });
}

const put = (ws: Workspace, path: string, body: unknown) => api(ws, path, { method: "PUT", body });

async function attributes(res: Response): Promise<Record<string, { value: unknown; verified: boolean }>> {
  expect(res.status).toBe(200);
  const { attributes } = (await res.json()) as { attributes: CustomAttribute[] };
  return Object.fromEntries(attributes.map((a) => [a.key, { value: a.value, verified: a.verified }]));
}

async function refused(res: Response, status = 400): Promise<ErrorBody["error"]> {
  expect(res.status).toBe(status);
  return ((await res.json()) as ErrorBody).error;
}

async function contact(ws: Workspace, externalId: string) {
  expect((await put(ws, `/contacts/${externalId}`, { name: "Carla Customer", email: `${externalId}@example.com` })).status).toBe(200);
}

async function conversation(ws: Workspace, externalId?: string): Promise<string> {
  const res = await api(ws, "/conversations", {
    method: "POST",
    body: { contact: { name: "Carl", email: `carl.${crypto.randomUUID().slice(0, 8)}@example.com`, externalId }, subject: "Plan question", message: "Which plan am I on?" },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as ConversationResource).id;
}

describe("REST API: custom attributes of contacts and conversations", () => {
  it("sets, reads, changes and deletes a contact's attributes, keeping their types, all verified", async () => {
    const ws = await createWorkspace();
    await contact(ws, "cust-1");
    expect(await attributes(await api(ws, "/contacts/cust-1/attributes"))).toEqual({});
    const set = await attributes(await put(ws, "/contacts/cust-1/attributes", { plan: "pro", seats: 12, vip: true, seats_text: "12" }));
    expect(set).toEqual({
      plan: { value: "pro", verified: true },
      seats: { value: 12, verified: true },
      seats_text: { value: "12", verified: true },
      vip: { value: true, verified: true },
    });
    const changed = await attributes(await put(ws, "/contacts/cust-1/attributes", { plan: "enterprise", seats: null }));
    expect(changed).toEqual({ plan: { value: "enterprise", verified: true }, seats_text: { value: "12", verified: true }, vip: { value: true, verified: true } });
    expect(await attributes(await api(ws, "/contacts/cust-1/attributes"))).toEqual(changed);
  });

  it("sets a conversation's attributes, and the API's word replaces what the page said unverified", async () => {
    const ws = await createWorkspace();
    const id = await conversation(ws);
    await setAttributes(env.DB, ws.workspaceId, "conversation", id, { plan: "free", page_only: "yes" }, false);
    const after = await attributes(await put(ws, `/conversations/${id}/attributes`, { plan: "pro", order: 1042 }));
    expect(after).toEqual({
      order: { value: 1042, verified: true },
      page_only: { value: "yes", verified: false },
      plan: { value: "pro", verified: true },
    });
    // A page can no longer overwrite what the integrator set.
    await setAttributes(env.DB, ws.workspaceId, "conversation", id, { plan: "free" }, false);
    expect((await attributes(await api(ws, `/conversations/${id}/attributes`))).plan).toEqual({ value: "pro", verified: true });
  });

  it("answers 404 for a contact or conversation that is not the key's, and changes nothing there", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    await contact(other, "theirs");
    const theirs = await conversation(other);
    expect((await refused(await api(ws, "/contacts/theirs/attributes"), 404)).code).toBe("not_found");
    await refused(await put(ws, "/contacts/theirs/attributes", { plan: "planted" }), 404);
    await refused(await api(ws, `/conversations/${theirs}/attributes`), 404);
    await refused(await put(ws, `/conversations/${theirs}/attributes`, { plan: "planted" }), 404);
    await refused(await put(ws, "/conversations/cv_nothing/attributes", { plan: "planted" }), 404);
    expect(await attributes(await api(other, `/conversations/${theirs}/attributes`))).toEqual({});
    expect(await attributes(await api(other, "/contacts/theirs/attributes"))).toEqual({});
  });

  it("refuses hostile keys and values with a 400 that names them, and stores nothing of the request", async () => {
    const ws = await createWorkspace();
    await contact(ws, "cust-h");
    const path = "/contacts/cust-h/attributes";
    const badKeys = ["Plan", "plan-type", "1plan", "", "a".repeat(41), "plän", "pl\u0000an", "plan'; DROP TABLE custom_attributes;--", " plan"];
    for (const key of badKeys) {
      const raw = `{"ok":"yes",${JSON.stringify(key)}:"x"}`;
      const error = await refused(await api(ws, path, { method: "PUT", raw }));
      expect(error.code, key).toBe("invalid_request");
    }
    const badValues: unknown[] = [{ nested: true }, ["a"], "x".repeat(LIMITS.customAttributes.valueLength + 1)];
    for (const value of badValues) await refused(await put(ws, path, { ok: "yes", plan: value }));
    // JSON's 1e999 is Infinity: not a number anyone can filter or show.
    await refused(await api(ws, path, { method: "PUT", raw: '{"big":1e999}' }));
    for (const raw of ["[]", "null", '"plan"', "42", "{", ""]) await refused(await api(ws, path, { method: "PUT", raw }));
    await refused(await api(ws, path, { method: "PUT", raw: "plan=pro", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
    expect(await attributes(await api(ws, path))).toEqual({});
    // A JSON "__proto__" key is dropped by the parse (it could replace an object's prototype), never stored.
    expect(await attributes(await api(ws, path, { method: "PUT", raw: '{"__proto__":{"polluted":1},"ok":"yes"}' }))).toEqual({ ok: { value: "yes", verified: true } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await put(ws, path, { ok: null });
    // "constructor" is a plain identifier: stored as one, it changes nothing else.
    const edge = await attributes(await put(ws, path, { constructor: "x", longest: "y".repeat(LIMITS.customAttributes.valueLength), z: -0.5 }));
    expect(Object.keys(edge)).toEqual(["constructor", "longest", "z"]);
  });

  it("caps attributes per subject and per request, and a body over the JSON limit is refused unread", async () => {
    const ws = await createWorkspace();
    const id = await conversation(ws);
    const path = `/conversations/${id}/attributes`;
    const many = (n: number, prefix: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i]));
    await refused(await put(ws, path, many(LIMITS.customAttributes.perSubject + 1, "k")));
    expect(Object.keys(await attributes(await put(ws, path, many(LIMITS.customAttributes.perSubject, "k"))))).toHaveLength(LIMITS.customAttributes.perSubject);
    expect((await refused(await put(ws, path, { one_more: 1 }))).code).toBe("too_many_attributes");
    // Replacing and deleting within the cap is fine.
    expect(Object.keys(await attributes(await put(ws, path, { k0: null, one_more: 1 })))).toHaveLength(LIMITS.customAttributes.perSubject);
    await refused(await api(ws, path, { method: "PUT", raw: JSON.stringify({ big: "x".repeat(LIMITS.body.json) }) }), 413);
  });
});

describe("REST API: the conversation list filtered by attribute", () => {
  async function fixture() {
    const ws = await createWorkspace();
    await contact(ws, "pro-customer");
    await put(ws, "/contacts/pro-customer/attributes", { plan: "pro" });
    const byContact = await conversation(ws, "pro-customer");
    const byOwn = await conversation(ws);
    await put(ws, `/conversations/${byOwn}/attributes`, { plan: "pro", seats: 12, vip: true });
    const free = await conversation(ws);
    await put(ws, `/conversations/${free}/attributes`, { plan: "free", seats: "12" });
    return { ws, byContact, byOwn, free };
  }
  const ids = async (res: Response) => {
    expect(res.status).toBe(200);
    return ((await res.json()) as { conversations: { id: string }[] }).conversations.map((c) => c.id).sort();
  };

  it("keeps conversations whose own or contact's attribute matches, every filter at once", async () => {
    const { ws, byContact, byOwn, free } = await fixture();
    expect(await ids(await api(ws, "/conversations?attribute.plan=pro"))).toEqual([byContact, byOwn].sort());
    expect(await ids(await api(ws, "/conversations?attribute.plan=free"))).toEqual([free]);
    // The text typed matches the number 12 and the string "12" alike.
    expect(await ids(await api(ws, "/conversations?attribute.seats=12"))).toEqual([byOwn, free].sort());
    expect(await ids(await api(ws, "/conversations?attribute.plan=pro&attribute.vip=true"))).toEqual([byOwn]);
    expect(await ids(await api(ws, "/conversations?attribute.plan=pro&status=queued&limit=1"))).toHaveLength(1);
    expect(await ids(await api(ws, "/conversations?attribute.plan=gold"))).toEqual([]);
    expect(await ids(await api(ws, `/conversations?attribute.plan=${encodeURIComponent("pro' OR '1'='1")}`))).toEqual([]);
    // The JSON spelling of a value matches too: "pro" in quotes is the string pro.
    expect(await ids(await api(ws, `/conversations?attribute.plan=${encodeURIComponent('"pro"')}`))).toEqual([byContact, byOwn].sort());
  });

  it("never matches another workspace's attributes", async () => {
    const { ws } = await fixture();
    const other = await createWorkspace();
    await conversation(other);
    expect(await ids(await api(other, "/conversations?attribute.plan=pro"))).toEqual([]);
    expect((await ids(await api(ws, "/conversations?attribute.plan=pro"))).length).toBe(2);
  });

  it("refuses hostile filter keys, too many filters and overlong values", async () => {
    const { ws } = await fixture();
    for (const key of ["Plan", "__proto__", "plan-type", "", "a".repeat(41), "plan.sub", "c.id"]) {
      expect((await refused(await api(ws, `/conversations?${encodeURIComponent(`attribute.${key}`)}=pro`))).code, key).toBe("invalid_request");
    }
    const tooMany = Array.from({ length: LIMITS.customAttributes.filterKeys + 1 }, (_, i) => `attribute.k${i}=1`).join("&");
    await refused(await api(ws, `/conversations?${tooMany}`));
    await refused(await api(ws, `/conversations?attribute.plan=${"x".repeat(LIMITS.customAttributes.valueLength + 1)}`));
    const most = Array.from({ length: LIMITS.customAttributes.filterKeys }, (_, i) => `attribute.k${i}=1`).join("&");
    expect(await ids(await api(ws, `/conversations?${most}`))).toEqual([]);
  });

  it("is in the OpenAPI document: both attribute routes for contacts and conversations", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/contacts/{externalId}/attributes"] ?? {}).sort()).toEqual(["get", "put"]);
    expect(Object.keys(doc.paths["/conversations/{id}/attributes"] ?? {}).sort()).toEqual(["get", "put"]);
  });
});
