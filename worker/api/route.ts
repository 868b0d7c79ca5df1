import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { AppEnv } from "../app-env";
import { parseBody, parseQuery } from "../http/validate";

type Schema = z.ZodType;
type Infer<S> = S extends Schema ? z.infer<S> : undefined;

export type RouteSpec<B extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined> = {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI style: /conversations/{id} */
  path: string;
  summary: string;
  tag: string;
  body?: B;
  query?: Q;
  success: { status: ContentfulStatusCode | 204; description: string; schema?: Schema };
  /** Error statuses this route can answer besides 401 and 429, which every route can. */
  errors?: (400 | 403 | 404 | 409 | 413 | 415 | 422)[];
};

export type ApiRoute = {
  spec: RouteSpec;
  handle: (c: Context<AppEnv>) => Promise<Response>;
};

/**
 * One declaration per endpoint: the same zod schemas parse the request at run time and describe it
 * in the OpenAPI document, so the two cannot drift apart.
 */
export function route<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined>(
  spec: RouteSpec<B, Q>,
  handler: (c: Context<AppEnv>, input: { body: Infer<B>; query: Infer<Q> }) => Promise<Response>,
): ApiRoute {
  return {
    spec: spec as RouteSpec,
    handle: async (c) => {
      const body = (spec.body ? await parseBody(c, spec.body) : undefined) as Infer<B>;
      const query = (spec.query ? parseQuery(c, spec.query) : undefined) as Infer<Q>;
      return handler(c, { body, query });
    },
  };
}

export function mount(app: Hono<AppEnv>, routes: ApiRoute[]): void {
  for (const r of routes) {
    app.on(r.spec.method.toUpperCase(), r.spec.path.replace(/\{(\w+)\}/g, ":$1"), r.handle);
  }
}
