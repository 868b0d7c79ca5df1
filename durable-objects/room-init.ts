import { z } from "zod";
import { locale, visitorContextSettings } from "../protocol/channel";
import { agentRef } from "../protocol/frames";

/** The channel settings a room lives by, copied when the conversation starts. */
export const roomSettings = z.object({
  idleMinutes: z.number().int().min(1),
  allowBackToChat: z.boolean(),
  transcriptEmail: z.boolean(),
  leaveGraceSeconds: z.number().int().min(1).default(120),
  replyEmailDelaySeconds: z.number().int().min(1).default(180),
});

/**
 * What the Worker tells a new room. A conversation a visitor starts waits in the queue; one an agent
 * starts is active with that agent from the first message.
 */
export const roomInit = z
  .object({
    conversationId: z.string().min(1),
    workspaceId: z.string().min(1),
    channelId: z.string().min(1),
    contact: z.object({ name: z.string(), email: z.email() }),
    locale,
    settings: roomSettings,
    status: z.enum(["queued", "active"]).default("queued"),
    agent: agentRef.nullable().default(null),
    /** Kept by the room's context store (room-context.ts); rooms set up before it report as channels do by default. */
    visitorContext: visitorContextSettings.default({ enabled: true, stripQuery: false }),
  })
  .refine((r) => r.status === "queued" || r.agent !== null, "an active conversation needs its agent");

export type RoomInit = z.input<typeof roomInit>;
export type RoomIdentity = Omit<z.infer<typeof roomInit>, "status" | "agent" | "visitorContext">;
export type RoomSettings = z.infer<typeof roomSettings>;
