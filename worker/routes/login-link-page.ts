import { Hono } from "hono";
import { html } from "hono/html";
import { loginLinkForm } from "../../protocol/login-links";
import type { AppEnv } from "../app-env";
import { sameOriginOnly } from "../auth/middleware";
import { setSessionCookie } from "../auth/session-cookie";
import { clientAddress, enforceLimit } from "../http/rate-limit";
import { parseWith } from "../http/validate";
import { consumeLoginLink } from "../db/login-links";
import { createSession } from "../db/sessions";

/**
 * Where a login link lands. Opening it changes nothing: mail scanners and link previews fetch
 * links, and would otherwise use them up. The person presses Continue, which posts the token;
 * only then is the link spent and a session made.
 */
export const loginLinkPageRoutes = new Hono<AppEnv>();

const page = (body: ReturnType<typeof html>, status: 200 | 410 = 200) =>
  new Response(
    String(html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Sign in to Parley</title>
          <style>
            body { font: 16px/1.5 system-ui, sans-serif; display: grid; place-items: center; min-height: 100vh; margin: 0; background: #f5f6fa; color: #1d2433; }
            main { background: #fff; border: 1px solid #dde1ea; border-radius: 12px; padding: 24px; max-width: 360px; text-align: center; }
            button, a.button { font: inherit; background: #2f5bea; color: #fff; border: 0; border-radius: 8px; padding: 10px 18px; cursor: pointer; text-decoration: none; display: inline-block; }
            button:focus-visible, a.button:focus-visible { outline: 3px solid #1d2433; outline-offset: 2px; }
          </style>
        </head>
        <body>
          <main>${body}</main>
        </body>
      </html>`),
    { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );

loginLinkPageRoutes.get("/console/login", (c) => {
  const token = c.req.query("token") ?? "";
  if (!loginLinkForm.safeParse({ token }).success) return page(html`<h1>This link is not complete</h1><p>Ask for a new one where you found it.</p>`, 410);
  return page(html`
    <h1>Sign in to Parley</h1>
    <p>You are signing in to the agent console.</p>
    <form method="post" action="/console/login">
      <input type="hidden" name="token" value="${token}" />
      <button type="submit">Continue</button>
    </form>`);
});

// Another site posting a link it minted for its own agent would sign this browser in as that agent.
loginLinkPageRoutes.post("/console/login", sameOriginOnly, async (c) => {
  await enforceLimit(c.env, "signInNetwork", clientAddress(c.req.raw.headers));
  const form = c.req.header("content-type")?.startsWith("application/x-www-form-urlencoded") ? await c.req.parseBody() : {};
  const { token } = parseWith(loginLinkForm, form);
  const target = await consumeLoginLink(c.env.DB, token);
  if (!target) {
    return page(html`<h1>This link has expired</h1><p>Sign-in links work once, for a few minutes. Ask for a new one, or <a href="/console">sign in with your password</a>.</p>`, 410);
  }
  setSessionCookie(c, await createSession(c.env.DB, target.workspaceId, target.agentId));
  const hash = target.conversationId ? `#c=${encodeURIComponent(target.conversationId)}` : "";
  return c.redirect(`/console${hash}`, 303);
});
