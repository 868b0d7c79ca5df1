import { DurableObject } from "cloudflare:workers";
import type { Env } from "../worker/env";

/** One per channel: agent presence and the waiting queue. Being built (issue 4); see protocol/lobby.ts. */
export class ChannelLobby extends DurableObject<Env> {}
