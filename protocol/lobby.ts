import { z } from "zod";
import { openingHours, responseTargets, routingMode, routingSettings } from "./channel";
import { agentRef } from "./frames";

/**
 * The WebSocket protocol between the agent console and a channel's lobby (one `ChannelLobby`
 * Durable Object per channel), and the queue contract the Worker and rooms call it with.
 * docs/lobby-protocol.md describes it; this module is the single definition.
 */

/** What a room or the Worker puts in the queue. Routing: see `assignedAgentId` and `teamAgentIds`. */
export const enqueueItem = z.object({
  conversationId: z.string().min(1),
  subject: z.string(),
  contactName: z.string(),
  topic: z.string().nullable(),
  /** Offered only to this agent (and to `teamAgentIds`, when given). */
  assignedAgentId: z.string().nullable().default(null),
  /** Offered only to these agents. Pass it only when the channel allows team routing. */
  teamAgentIds: z.array(z.string()).nullable().default(null),
});

/** One waiting conversation as an agent sees it. */
export const queueEntry = z.object({
  conversationId: z.string(),
  subject: z.string(),
  contactName: z.string(),
  topic: z.string().nullable(),
  enqueuedAt: z.number().int(),
  /** 1-based place in the channel's whole queue: the same number the visitor sees. */
  position: z.number().int().positive(),
  assignedAgentId: z.string().nullable(),
  /** When it passes the channel's waiting target (opening hours counted only); null: no target. */
  waitDueAt: z.number().int().nullable(),
});

/** What the lobby needs of its channel to route; the Worker hands it over on every console connect and channel save. */
export const lobbySettings = z.object({
  workspaceId: z.string(),
  routing: routingSettings,
  targets: responseTargets,
  openingHours: openingHours.nullable(),
  /** The channel's address, alerted once per missed target. */
  notificationEmail: z.string().nullable(),
});

/** An agent's share of routing: at most `capacity` live chats, none offered while `paused`. */
export const agentRouting = z.object({ capacity: z.number().int().min(1), paused: z.boolean() });

/** This agent's own load in this channel: live chats (accepted, not ended) and offers held, of `capacity`. */
export const agentLoad = agentRouting.extend({ live: z.number().int().min(0), offered: z.number().int().min(0) });

/** A chat offered to this agent alone, to take or decline before `expiresAt`. */
export const offerEntry = z.object({ entry: queueEntry, expiresAt: z.number().int() });

// Console → lobby
export const availabilityFrame = z.object({ type: z.literal("availability"), available: z.boolean() });
export const acceptFrame = z.object({ type: z.literal("accept"), conversationId: z.string().min(1).max(64) });
export const lobbyPingFrame = z.object({ type: z.literal("ping") });
/** Asks for the whole state again, after a console saw a gap in `version`. */
export const resyncFrame = z.object({ type: z.literal("resync") });
/** Passes on an offer: it goes to the next agent at once. */
export const declineFrame = z.object({ type: z.literal("decline"), conversationId: z.string().min(1).max(64) });
export const lobbyClientFrame = z.discriminatedUnion("type", [availabilityFrame, acceptFrame, declineFrame, lobbyPingFrame, resyncFrame]);

// Lobby → console
/**
 * The lobby's count of changes. Each change is sent to every socket as exactly one frame carrying
 * the new version, so a console that sees anything but its last version + 1 has missed one and
 * sends `resync`. The state frame carries the version it is current as of.
 */
const version = z.number().int().min(0);
const position = z.number().int().positive();

/** On connect, on `resync`, and to an agent whose own switch was set: the whole state as this agent sees it. */
export const lobbyStateFrame = z.object({
  type: z.literal("lobby"),
  version,
  channelId: z.string(),
  /** This agent's own switch, as stored (it counts only while a console socket is open). */
  available: z.boolean(),
  /** Agents who said available and have a console open. */
  agentsAvailable: z.number().int().min(0),
  /** The conversations offered to this agent, in queue order; empty while the agent is not available. */
  queue: z.array(queueEntry),
  /** The channel's routing mode. */
  routing: routingMode,
  /** Chats offered to this agent alone right now (auto and least_busy). */
  offers: z.array(offerEntry),
  load: agentLoad,
});
/**
 * A conversation joined the queue at `position` (the end, or its old place after a failed accept):
 * entries at or behind it move back one. `entry` is null for an agent it is not offered to, or who
 * is not available.
 */
export const queuedFrame = z.object({ type: z.literal("queued"), version, position, entry: queueEntry.nullable() });
/** The conversation at `position` left the queue (taken, ended, or handled elsewhere): entries behind it move up one. */
export const dequeuedFrame = z.object({ type: z.literal("dequeued"), version, position, conversationId: z.string() });
/** The count of available agents changed (someone's switch, their last tab closed, or a first one opened). */
export const agentsAvailableFrame = z.object({
  type: z.literal("availability"),
  version,
  agentsAvailable: z.number().int().min(0),
});
/** Someone took a conversation, confirmed by its room: an announcement after its `dequeued`, so it carries no version. */
export const acceptedFrame = z.object({ type: z.literal("accepted"), conversationId: z.string(), agent: agentRef });
/**
 * To the chosen agent's sockets only: take this chat (`accept`) or `decline` before `expiresAt`.
 * Carries no version: the `offers` of the next whole state say the same.
 */
export const offerFrame = z.object({ type: z.literal("offer"), offer: offerEntry });
/** The offer is over: taken (by this agent or another), declined, timed out, or the chat left the queue. */
export const offerEndedFrame = z.object({
  type: z.literal("offer_ended"),
  conversationId: z.string(),
  reason: z.enum(["accepted", "declined", "timeout", "withdrawn"]),
});
/** This agent's load changed (a chat taken or ended, an offer made or over, capacity or pause set). */
export const loadFrame = z.object({ type: z.literal("load"), load: agentLoad });
/** A chat passed a response-time target: to the agents it is offered to (waiting) or its agent (first response), once. */
export const overdueFrame = z.object({
  type: z.literal("overdue"),
  conversationId: z.string(),
  target: z.enum(["wait", "first_response"]),
  subject: z.string(),
});
export const lobbyErrorCode = z.enum([
  "bad_frame",
  "frame_too_large",
  /** Accept needs the "Available for chat" switch on. */
  "not_available",
  /** Someone else took it first. */
  "already_accepted",
  /** Not in the queue (never was, or left it). */
  "not_queued",
  /** Routed to another agent or team. */
  "not_offered",
  /** The visitor ended it before the accept reached the conversation. */
  "conversation_ended",
  /** The conversation could not be reached; it stays in the queue. */
  "accept_failed",
  /** Decline: this chat is not offered to you now. */
  "not_offered_now",
]);
export const lobbyErrorFrame = z.object({
  type: z.literal("error"),
  code: lobbyErrorCode,
  message: z.string(),
  conversationId: z.string().optional(),
});
export const lobbyPongFrame = z.object({ type: z.literal("pong") });
export const lobbyServerFrame = z.discriminatedUnion("type", [
  lobbyStateFrame,
  queuedFrame,
  dequeuedFrame,
  agentsAvailableFrame,
  acceptedFrame,
  offerFrame,
  offerEndedFrame,
  loadFrame,
  overdueFrame,
  lobbyErrorFrame,
  lobbyPongFrame,
]);

/** A channel as the console lists it (`GET /api/console/channels`). */
export const consoleChannel = z.object({ id: z.string(), key: z.string(), name: z.string() });
export const channelListResponse = z.object({ channels: z.array(consoleChannel) });

export type EnqueueItem = z.input<typeof enqueueItem>;
export type QueuedItem = z.infer<typeof enqueueItem>;
export type QueueEntry = z.infer<typeof queueEntry>;
export type LobbyClientFrame = z.infer<typeof lobbyClientFrame>;
export type LobbyServerFrame = z.infer<typeof lobbyServerFrame>;
export type LobbyStateFrame = z.infer<typeof lobbyStateFrame>;
/** The frames that change a console's copy of the state, each one version on from the last. */
export type LobbyDeltaFrame = z.infer<typeof queuedFrame> | z.infer<typeof dequeuedFrame> | z.infer<typeof agentsAvailableFrame>;
export type LobbyErrorCode = z.infer<typeof lobbyErrorCode>;
export type LobbySettings = z.infer<typeof lobbySettings>;
export type AgentRouting = z.infer<typeof agentRouting>;
export type AgentLoad = z.infer<typeof agentLoad>;
export type OfferEntry = z.infer<typeof offerEntry>;
export type ConsoleChannel = z.infer<typeof consoleChannel>;
