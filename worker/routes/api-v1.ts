import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { idempotency } from "../api/idempotency";
import { openApiDocument } from "../api/openapi";
import { referencePage } from "../api/reference-page";
import { mount } from "../api/route";
import { apiRoutes as routes } from "../api/routes";
import { requireApiKey } from "../auth/middleware";
import { enforceLimit } from "../http/rate-limit";

/** The integrator's REST API, scoped to the API key's workspace. */
export const apiV1Routes = new Hono<AppEnv>();

// The description of the API is public; everything else needs a key.
apiV1Routes.get("/openapi.json", (c) => c.json(openApiDocument(routes, `${new URL(c.req.url).origin}/api/v1`)));
apiV1Routes.get("/docs", (c) => c.html(referencePage(openApiDocument(routes, `${new URL(c.req.url).origin}/api/v1`))));

apiV1Routes.use("*", requireApiKey);
apiV1Routes.use("*", async (c, next) => {
  await enforceLimit(c.env, "api", c.get("workspaceId"));
  await next();
});
apiV1Routes.use("*", idempotency);
mount(apiV1Routes, routes);
