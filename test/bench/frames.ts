import type { ServerFrame } from "../../protocol/frames.ts";

/** The room's frames the load tools look at, narrowed from the shared protocol. */
export type ReadyFrame = Extract<ServerFrame, { type: "ready" }>;
export type HistoryFrame = Extract<ServerFrame, { type: "history" }>;
