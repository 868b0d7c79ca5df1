import { z } from "zod";

/**
 * Who is on a socket. The Worker authenticates the request and passes this in a header; clients
 * cannot reach a Durable Object directly, so the header cannot be forged from outside.
 */
export const PRINCIPAL_HEADER = "x-parley-principal";

export const principalSchema = z.object({
  role: z.enum(["visitor", "agent"]),
  id: z.string().nullable(),
  name: z.string(),
  /** An agent's session (the hash's first 16 hex digits), so that signing out closes its sockets. */
  session: z.string().optional(),
});
export type Principal = z.infer<typeof principalSchema>;
