import { attributeRoutes } from "./attribute-routes";
import { cannedResponseRoutes } from "./canned-response-routes";
import { conversationRoutes } from "./conversation-routes";
import { directoryRoutes } from "./directory-routes";
import { labelRoutes } from "./label-routes";
import { loginLinkRoutes } from "./login-link-routes";
import { reportRoutes } from "./report-routes";
import { visitorTokenRoutes } from "./visitor-token-routes";
import { webhookRoutes } from "./webhook-routes";

/** Every /api/v1 endpoint, in the order the reference lists them. */
export const apiRoutes = [...conversationRoutes, ...visitorTokenRoutes, ...directoryRoutes, ...attributeRoutes, ...webhookRoutes, ...reportRoutes, ...labelRoutes, ...cannedResponseRoutes, ...loginLinkRoutes];
