import type { Agent } from "../protocol/api";
import type { Env } from "./env";

export type AppEnv = {
  Bindings: Env;
  Variables: { agent: Agent; workspaceId: string; /** The signed-in agent's session: its token hash. */ session: string };
};
