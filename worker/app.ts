import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { bodyLimits } from "./http/body-limits";
import { errorResponse } from "./http/errors";
import { requestLog } from "./http/request-log";
import { securityHeaders } from "./http/security-headers";
import { apiV1Routes } from "./routes/api-v1";
import { attachmentRoutes } from "./routes/attachments";
import { hookRoutes } from "./routes/hooks";
import { consoleRoutes } from "./routes/console";
import { consoleAdminRoutes } from "./routes/console-admin";
import { consoleReportRoutes } from "./routes/console-reports";
import { healthRoutes } from "./routes/health";
import { loginLinkPageRoutes } from "./routes/login-link-page";
import { lobbyRoutes } from "./routes/lobby";
import { pageRoutes } from "./routes/pages";
import { widgetRoutes } from "./routes/widget";

export const app = new Hono<AppEnv>();

app.use("*", requestLog);
app.use("*", securityHeaders);
app.use("*", bodyLimits);

app.route("/api/widget", widgetRoutes);
app.route("/api/console", consoleRoutes);
app.route("/api/console", lobbyRoutes);
app.route("/api/console/admin", consoleAdminRoutes);
app.route("/api/console/reports", consoleReportRoutes);
app.route("/api/v1", apiV1Routes);
app.route("/api/attachments", attachmentRoutes);
app.route("/hooks", hookRoutes);
app.route("/", healthRoutes);
app.route("/", loginLinkPageRoutes);
app.route("/", pageRoutes);

app.all("/hooks/*", (c) => c.json({ error: { code: "not_found", message: "no such hook; POST to the URL you were given" } }, 404));
app.all("/api/*", (c) => c.json({ error: { code: "not_found", message: `no route ${c.req.method} ${c.req.path}` } }, 404));
app.all("*", (c) => c.env.ASSETS.fetch(c.req.raw));

app.onError((err, c) => errorResponse(c, err));
