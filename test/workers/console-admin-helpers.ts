import { BASE, call, createWorkspace, postJson, signIn, type Workspace } from "./fixtures";

const AGENT_PASSWORD = "plain agent password";

/** An admin session in a fresh workspace, with helpers that speak to Administration. */
export type AdminClient = Workspace & {
  cookie: string;
  request(method: string, path: string, body?: unknown): Promise<Response>;
  json<T>(method: string, path: string, body?: unknown, expectStatus?: number): Promise<T>;
};

export function adminClient(ws: Workspace, cookie: string): AdminClient {
  const request = (method: string, path: string, body?: unknown) =>
    call(`/api/console/admin${path}`, {
      method,
      headers: {
        cookie,
        origin: BASE,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    ...ws,
    cookie,
    request,
    async json<T>(method: string, path: string, body?: unknown, expectStatus = 200): Promise<T> {
      const res = await request(method, path, body);
      const text = await res.text();
      if (res.status !== expectStatus) throw new Error(`${method} ${path}: expected ${expectStatus}, got ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
  };
}

export async function newAdmin(options: Parameters<typeof createWorkspace>[0] = {}): Promise<AdminClient> {
  const ws = await createWorkspace(options);
  return adminClient(ws, await signIn(ws));
}

/** A plain agent (role "agent") of the admin's workspace, created through Administration and signed in. */
export async function newPlainAgent(admin: AdminClient): Promise<AdminClient & { agentId: string }> {
  const email = `plain-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const { agent } = await admin.json<{ agent: { id: string } }>(
    "POST",
    "/agents",
    { name: "Plain Agent", email, role: "agent", password: AGENT_PASSWORD },
    201,
  );
  const cookie = await signInAs(email, AGENT_PASSWORD);
  return { ...adminClient(admin, cookie), agentId: agent.id };
}

export async function signInAs(email: string, password: string): Promise<string> {
  const res = await postJson("/api/console/session", { email, password });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

export async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}
