import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { LIMITS } from "../../protocol/limits";
import type { AppEnv } from "../app-env";
import { HttpError } from "./errors";

type BodyFamily = keyof typeof LIMITS.body;

/** Route families whose bodies are not plain JSON; every other route gets `json`. First match wins. */
const FAMILIES: [RegExp, BodyFamily][] = [
  [/^\/api\/console\/session$/, "signIn"],
  [/^\/console\/login$/, "signIn"],
  [/^\/api\/(widget|console)\/conversations\/[^/]+\/attachments$/, "upload"],
  [/^\/hooks\//, "inboundHook"],
];

export function bodyFamily(path: string): BodyFamily {
  return FAMILIES.find(([pattern]) => pattern.test(path))?.[1] ?? "json";
}

const tooLarge = (max: number) => () => {
  throw new HttpError(413, "payload_too_large", `the body is larger than ${max} bytes`);
};

// Hono's bodyLimit refuses a declared Content-Length over the cap without reading a byte, and reads
// an undeclared (chunked) body only up to the cap, so no handler ever holds more than its cap.
const limiters = Object.fromEntries(
  Object.entries(LIMITS.body).map(([family, max]) => [family, bodyLimit({ maxSize: max, onError: tooLarge(max) })]),
) as Record<BodyFamily, ReturnType<typeof bodyLimit>>;

/**
 * Caps every request body by its route family, before any route sees it, so no route can forget.
 *
 * @example
 * app.use("*", bodyLimits);
 */
export const bodyLimits = createMiddleware<AppEnv>((c, next) => limiters[bodyFamily(c.req.path)](c, next));
