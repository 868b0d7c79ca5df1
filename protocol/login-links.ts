import { z } from "zod";
import { email, personName } from "./api";
import { LIMITS } from "./limits";

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "ids hold only letters, digits, _ and -");

/**
 * A host platform's "Open in Parley" button: a one-time link that signs one of the workspace's agents
 * into the console, optionally creating them first (the platform provisions its own users).
 */
export const loginLinkBody = z
  .object({
    email,
    /** With `create`, the new agent's name; ignored for an agent who exists. */
    name: personName.optional(),
    role: z.enum(["agent", "admin"]).default("agent"),
    /** Creates the agent in this workspace when no agent has the email yet. */
    create: z.boolean().default(false),
    /** The conversation the console opens on. */
    conversationId: id.optional(),
  })
  .strict()
  .refine((b) => !b.create || b.name !== undefined, { message: "name is required with create", path: ["name"] });

export const loginLinkResponse = z.object({
  url: z.string(),
  expiresAt: z.number().int(),
  agent: z.object({ id: z.string(), email: z.string(), name: z.string(), created: z.boolean() }),
});

/** The form the link's page posts; the token is the credential. */
export const loginLinkForm = z.object({ token: z.string().min(20).max(200) });

export const LOGIN_LINK_TTL_MS = LIMITS.loginLinkTtlMs;

export type LoginLinkBody = z.infer<typeof loginLinkBody>;
export type LoginLinkResponse = z.infer<typeof loginLinkResponse>;
