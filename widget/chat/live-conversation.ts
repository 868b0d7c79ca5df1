import type { AgentRef, ConversationProgress, ConversationStatus, EndReason, Feedback, Message, ReadState } from "../../protocol/frames";
import { RequestError } from "../lib/api";
import { newClientId } from "../lib/client-id";
import {
  ConversationSocket,
  type ConnectionState,
  type ConversationFrame,
  type PendingMessage,
} from "../lib/conversation-socket";
import type { VisitorContextSettings } from "../../protocol/channel";
import { PageTrail } from "./page-trail";
import type { StoredConversation } from "./visitor-store";
import { socketUrl, uploadAttachment } from "./widget-api";

export type Upload = { clientId: string; name: string };

export type ConversationHost = {
  changed(): void;
  /** The unacknowledged messages changed: keep them where a reload finds them. */
  persist(pending: PendingMessage[]): void;
  /** A message that arrived after the conversation was opened (not part of its replayed history). */
  arrived(message: Message): void;
  /** The socket dropped or could not connect: its token may have expired or been revoked. */
  dropped(): void;
  /** The channel's visitor-context choice; null until the channel is loaded. */
  contextSettings(): VisitorContextSettings | null;
};

/** How long a typing indicator lasts without a fresh frame, in case its "stopped" frame is lost. */
const TYPING_SHOWN_MS = 8_000;
/** Resend "typing" this often while the visitor keeps typing; "stopped" after this long without a key. */
const TYPING_REFRESH_MS = 3_000;

/** The live state of one conversation, fed by its socket. */
export class LiveConversation {
  readonly id: string;
  messages: Message[] = [];
  pending: PendingMessage[];
  uploads: Upload[] = [];
  /** null until the room has said who and where we are. */
  status: ConversationStatus | null = null;
  agent: AgentRef | null = null;
  queuePosition: number | null = null;
  endedBy: EndReason | null = null;
  read: ReadState = { visitor: 0, agent: 0 };
  feedback: Feedback | null = null;
  /** The name of whoever on the other side is typing. */
  typing: string | null = null;
  idleClosesAt: number | null = null;
  connection: ConnectionState = "connecting";
  /** The last refusal: the room's error code (or "upload_failed") and the server's words; `file` for uploads. */
  error: { code: string; text: string; file?: string } | null = null;
  transcriptSent = false;

  /** The end form as sent, kept until the room confirms it. */
  private feedbackSent: Feedback | null = null;
  private readonly socket: ConversationSocket;
  private typingShownTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSentAt = 0;
  private typingStopTimer: ReturnType<typeof setTimeout> | undefined;
  /** The page trail runs while the conversation is live and the channel takes it. */
  private trail: PageTrail | null = null;

  constructor(
    private readonly stored: StoredConversation,
    private readonly host: ConversationHost,
  ) {
    this.id = stored.id;
    this.pending = stored.pending;
    this.socket = new ConversationSocket(
      () => socketUrl(this.id, this.token),
      {
        message: (m, live) => this.onMessage(m, live),
        pending: (pending) => {
          this.pending = pending;
          // "Slow down" is over once what it held back has gone out.
          if (pending.length === 0 && this.error?.code === "rate_limited") this.error = null;
          this.host.persist(pending);
          this.host.changed();
        },
        state: (s) => {
          this.connection = s;
          if (s === "online") this.reportPages();
          if (s === "offline") this.host.dropped();
          this.host.changed();
        },
        error: (code, text) => {
          this.error = { code, text };
          this.host.changed();
        },
        frame: (f) => this.onFrame(f),
      },
      stored.pending,
    );
    this.socket.connect();
  }

  /** As the session keeps it: a refresh swaps it in place. */
  get token(): string {
    return this.stored.token;
  }

  close(): void {
    this.trail?.stop();
    this.trail = null;
    clearTimeout(this.typingShownTimer);
    clearTimeout(this.typingStopTimer);
    this.socket.close();
  }

  get unread(): number {
    return this.messages.filter((m) => m.author.type === "agent" && m.seq > this.read.visitor).length;
  }

  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  /** True once the visitor has written something that the room stored. */
  get visitorHasWritten(): boolean {
    return this.messages.some((m) => m.author.type === "visitor");
  }

  send(body: string): void {
    this.error = null;
    this.stopTyping();
    this.socket.send(body);
  }

  /** Call on every keystroke in the composer. */
  typed(): void {
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_REFRESH_MS && this.socket.control({ type: "typing", active: true })) {
      this.typingSentAt = now;
    }
    clearTimeout(this.typingStopTimer);
    this.typingStopTimer = setTimeout(() => this.stopTyping(), TYPING_REFRESH_MS);
  }

  markRead(): void {
    const seq = this.lastSeq;
    if (seq <= this.read.visitor) return;
    if (this.socket.control({ type: "read", seq })) this.read = { ...this.read, visitor: seq };
  }

  end(): boolean {
    return this.socket.control({ type: "end" });
  }

  reopen(): boolean {
    return this.socket.control({ type: "reopen" });
  }

  sendFeedback(feedback: Feedback): boolean {
    this.feedbackSent = feedback;
    return this.socket.control({ type: "feedback", feedback });
  }

  requestTranscript(): boolean {
    return this.socket.control({ type: "transcript" });
  }

  /** Uploads a file the view has already checked against the channel's limits. */
  async upload(file: File): Promise<void> {
    const upload = { clientId: newClientId(), name: file.name };
    this.uploads = [...this.uploads, upload];
    this.error = null;
    this.host.changed();
    try {
      await uploadAttachment(this.id, this.token, file, upload.clientId);
    } catch (err) {
      this.error = { code: "upload_failed", text: err instanceof RequestError ? err.message : "", file: file.name };
      this.uploads = this.uploads.filter((u) => u !== upload);
      this.host.changed();
    }
    // On success the stored message reaches us through the socket, which clears the upload.
  }

  private stopTyping(): void {
    clearTimeout(this.typingStopTimer);
    if (this.typingSentAt === 0) return;
    this.typingSentAt = 0;
    this.socket.control({ type: "typing", active: false });
  }

  private onMessage(message: Message, live: boolean): void {
    this.messages = [...this.messages, message];
    this.uploads = this.uploads.filter((u) => u.clientId !== message.clientId);
    if (message.author.type === "visitor") this.idleClosesAt = null;
    else this.typing = null;
    if (live) this.host.arrived(message);
    this.host.changed();
  }

  private onFrame(frame: ConversationFrame): void {
    switch (frame.type) {
      case "ready":
        this.read = frame.read;
        this.feedback = frame.feedback;
        this.setStatus(frame);
        break;
      case "status":
        this.setStatus(frame);
        break;
      case "typing":
        if (frame.author.type === "visitor") return;
        clearTimeout(this.typingShownTimer);
        this.typing = frame.active ? frame.author.name : null;
        if (frame.active) {
          this.typingShownTimer = setTimeout(() => {
            this.typing = null;
            this.host.changed();
          }, TYPING_SHOWN_MS);
        }
        break;
      case "read":
        // Never move our own read mark back: a read we sent may not have reached the room yet.
        this.read = { visitor: Math.max(this.read.visitor, frame.read.visitor), agent: frame.read.agent };
        break;
      case "idle_warning":
        this.idleClosesAt = frame.closesAt;
        break;
      case "feedback":
        this.feedback = frame.feedback;
        break;
      case "done":
        if (frame.request === "transcript") this.transcriptSent = true;
        else this.feedback = this.feedbackSent;
        break;
    }
    this.host.changed();
  }

  private setStatus(frame: ConversationProgress): void {
    this.status = frame.status;
    this.agent = frame.agent;
    this.queuePosition = frame.queuePosition;
    this.endedBy = frame.endedBy;
    if (frame.status !== "active") this.typing = null;
    if (frame.status === "ended") {
      this.idleClosesAt = null;
      this.trail?.stop();
      this.trail = null;
    }
  }

  /** Only while a conversation is open: nothing of the visitor's browsing is reported before or after. */
  private reportPages(): void {
    if (this.status === "ended") return;
    if (this.trail) return this.trail.resend();
    const settings = this.host.contextSettings();
    if (!settings?.enabled) return;
    this.trail = new PageTrail((frame) => this.socket.control(frame), settings);
    this.trail.start();
  }
}
