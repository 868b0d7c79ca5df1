import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../app-env";

/**
 * Security headers on every response, in one place. Each response gets the Content-Security-Policy
 * of what it is: the console and the demo page run only their own scripts and styles; the API
 * reference is scriptless with one inline stylesheet; everything else (JSON, files, scripts) gets a
 * policy under which, opened as a page, it can do nothing. Headers a route sets itself win: the
 * widget's bundles say `Cross-Origin-Resource-Policy: cross-origin` (host pages load them), and an
 * attachment says `sandbox`.
 */
const APP_PAGE = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

const REFERENCE_PAGE = {
  defaultSrc: ["'none'"],
  // Its one <style> is fixed text and the page has no script, so inline styles risk nothing.
  styleSrc: ["'unsafe-inline'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/** The login link's page: fixed inline styles, no script, and one form to this origin. */
const LOGIN_LINK_PAGE = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

const NOT_A_PAGE = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

const withPolicy = (contentSecurityPolicy: Record<string, string[]>) =>
  secureHeaders({
    contentSecurityPolicy,
    referrerPolicy: "same-origin",
    xFrameOptions: "DENY",
    overwrite: false,
  });

const POLICIES: [RegExp, ReturnType<typeof withPolicy>][] = [
  [/^\/(console(\.html)?|index\.html)?$/, withPolicy(APP_PAGE)],
  [/^\/api\/v1\/docs$/, withPolicy(REFERENCE_PAGE)],
  [/^\/console\/login$/, withPolicy(LOGIN_LINK_PAGE)],
];
const notAPage = withPolicy(NOT_A_PAGE);

/**
 * @example
 * app.use("*", securityHeaders);
 */
export const securityHeaders = createMiddleware<AppEnv>((c, next) => {
  // A socket handshake is never rendered, and the 101 a Durable Object returns cannot take headers.
  if (c.req.header("upgrade")) return next();
  const apply = POLICIES.find(([path]) => path.test(c.req.path))?.[1] ?? notAPage;
  return apply(c, async () => {
    await next();
    // Responses from fetch (the static assets) have immutable headers: a copy takes them.
    c.res = new Response(c.res.body, c.res);
  });
});
