import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { SESSION_TTL_MS } from "../db/sessions";

const NAME = "parley_session";

/** Hosts browsers count as secure over plain http (Chromium 156 keeps a Secure cookie from them). */
const LOOPBACK = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * `__Host-` means: set over a secure connection, for this host only, for the whole path. No
 * sibling subdomain and no man-in-the-middle on plain http can then plant a session of their own
 * (session fixation). Browsers keep such a cookie only from a secure origin: https, or loopback in
 * local development. A console served over plain http elsewhere (a LAN test box) gets the plain
 * name, since its cookie could not be Secure anyway.
 */
const secureOrigin = (c: Context) => {
  const url = new URL(c.req.url);
  return url.protocol === "https:" || LOOPBACK.test(url.hostname);
};

/** The session token the request carries, under the one name this origin uses. */
export function readSessionToken(c: Context): string | undefined {
  return secureOrigin(c) ? getCookie(c, NAME, "host") : getCookie(c, NAME);
}

export function setSessionCookie(c: Context, token: string): void {
  const options = { httpOnly: true, sameSite: "Strict", path: "/", maxAge: SESSION_TTL_MS / 1000 } as const;
  if (secureOrigin(c)) setCookie(c, NAME, token, { ...options, secure: true, prefix: "host" });
  else setCookie(c, NAME, token, options);
}

export function clearSessionCookie(c: Context): void {
  if (secureOrigin(c)) deleteCookie(c, NAME, { path: "/", secure: true, prefix: "host" });
  else deleteCookie(c, NAME, { path: "/" });
}
