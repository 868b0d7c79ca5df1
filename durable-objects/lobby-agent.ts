import { z } from "zod";
import { agentRef } from "../protocol/frames";
import { agentRouting } from "../protocol/lobby";

/**
 * Who is on a lobby socket, and for which channel. The Worker authenticates the agent, checks the
 * channel is in their workspace, and passes this in a header; clients cannot reach a Durable Object
 * directly, so the header cannot be forged from outside. It is kept as the socket's attachment.
 */
export const LOBBY_AGENT_HEADER = "x-parley-lobby-agent";

export const lobbyAgent = z.object({
  channelId: z.string(),
  agent: agentRef,
  /** The agent's session (as in the room's principal), so that signing out closes this socket. */
  session: z.string().optional(),
  /** The agent's capacity and pause as D1 has them at connect; the lobby keeps them, not the socket. */
  routing: agentRouting.optional(),
});
export type LobbyAgent = z.infer<typeof lobbyAgent>;
