// The socket client the widget and the console share, against a scripted room: exactly once and
// in order across reconnects, live messages racing the history, the offline queue, and backoff
// with jitter. Runs in Node with a stand-in WebSocket; no browser needed.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ClientFrame, Message, ServerFrame } from '../../protocol/frames';
import { ConversationSocket, type PendingMessage } from '../../widget/lib/conversation-socket';

class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: ClientFrame[] = [];
  private listeners: Record<string, ((e: { data?: string }) => void)[]> = {};
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  addEventListener(type: string, listener: (e: { data?: string }) => void): void {
    (this.listeners[type] ??= []).push(listener);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close(): void {
    this.drop();
  }
  /** The room accepts the connection and says who we are. */
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.receive({
      type: 'ready',
      conversationId: 'cv_1',
      lastSeq: 0,
      status: 'active',
      agent: null,
      queuePosition: null,
      visitor: { online: true, leftAt: null },
      endedBy: null,
      read: { visitor: 0, agent: 0 },
      feedback: null,
      author: { type: 'visitor', id: null, name: 'Vera' },
    });
  }
  receive(frame: ServerFrame): void {
    for (const l of this.listeners.message ?? []) l({ data: JSON.stringify(frame) });
  }
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    for (const l of this.listeners.close ?? []) l({});
  }
}

const message = (seq: number, body: string, clientId = `c-${seq}-xxxxxx`): Message => ({
  seq,
  clientId,
  body,
  createdAt: seq,
  author: { type: seq % 2 ? 'agent' : 'visitor', id: null, name: 'x' },
});

describe('ConversationSocket', () => {
  let received: { seq: number; body: string; live: boolean }[];
  let pending: PendingMessage[];
  let socket: ConversationSocket;
  const latest = () => FakeSocket.all.at(-1)!;

  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('addEventListener', () => {});
    vi.stubGlobal('removeEventListener', () => {});
    received = [];
    pending = [];
  });

  afterEach(() => {
    socket?.close();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  function connect(initial: PendingMessage[] = []): void {
    socket = new ConversationSocket(
      () => 'ws://room',
      {
        message: (m, live) => received.push({ seq: m.seq, body: m.body, live }),
        pending: (p) => (pending = p),
        state: () => {},
        error: () => {},
      },
      initial,
    );
    socket.connect();
  }

  test('a live message that arrives before the history does not make the history look already seen', () => {
    connect();
    latest().open();
    expect(latest().sent).toEqual([{ type: 'resume', since: 0 }]);
    // The agent answers while our resume is on its way: the room sends it live, then the history.
    latest().receive({ type: 'message', message: message(3, 'answer') });
    latest().receive({ type: 'history', messages: [message(1, 'question'), message(2, 'joined'), message(3, 'answer')], more: false });
    expect(received.map((m) => m.seq)).toEqual([1, 2, 3]);
    latest().receive({ type: 'message', message: message(4, 'later') });
    expect(received.map((m) => [m.seq, m.live])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
  });

  test('a paged history is asked for page by page and delivered once, in order', () => {
    connect();
    latest().open();
    latest().receive({ type: 'history', messages: [message(1, 'a'), message(2, 'b')], more: true });
    expect(latest().sent.at(-1)).toEqual({ type: 'resume', since: 2 });
    latest().receive({ type: 'message', message: message(4, 'd') });
    latest().receive({ type: 'history', messages: [message(2, 'b'), message(3, 'c'), message(4, 'd')], more: false });
    expect(received.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  test('messages written offline go out after the history, in order, with their clientIds, and are kept until acknowledged', () => {
    connect([{ clientId: 'from-before-reload', body: 'zero' }]);
    const first = socket.send('one');
    const second = socket.send('two');
    expect(latest().sent).toEqual([]);
    latest().open();
    expect(latest().sent.filter((f) => f.type === 'send')).toEqual([]);
    latest().receive({ type: 'history', messages: [message(1, 'question')], more: false });
    expect(latest().sent.filter((f) => f.type === 'send')).toEqual([
      { type: 'send', clientId: 'from-before-reload', body: 'zero' },
      { type: 'send', clientId: first.clientId, body: 'one' },
      { type: 'send', clientId: second.clientId, body: 'two' },
    ]);

    // The connection drops before any ack: everything is sent again, with the same clientIds.
    latest().receive({ type: 'ack', clientId: 'from-before-reload', seq: 2, createdAt: 2 });
    latest().drop();
    expect(pending.map((p) => p.body)).toEqual(['one', 'two']);
    vi.advanceTimersByTime(1_000);
    latest().open();
    expect(latest().sent).toEqual([{ type: 'resume', since: 2 }]);
    // The room had stored "one" before the drop: it comes back in the history, not as a second copy.
    latest().receive({ type: 'history', messages: [message(3, 'one', first.clientId)], more: false });
    expect(latest().sent.filter((f) => f.type === 'send')).toEqual([{ type: 'send', clientId: second.clientId, body: 'two' }]);
    latest().receive({ type: 'ack', clientId: second.clientId, seq: 4, createdAt: 4 });
    expect(pending).toEqual([]);
    expect(received.map((m) => `${m.seq}:${m.body}`)).toEqual(['1:question', '2:zero', '3:one', '4:two']);
  });

  test('reconnects back off exponentially, each wait a random point in the upper half, up to 30 s', () => {
    const random = vi.spyOn(Math, 'random');
    connect();
    const waits: number[] = [];
    for (const r of [0, 0.999, 0, 0.999, 0, 0, 0, 0, 0]) {
      random.mockReturnValueOnce(r);
      const before = FakeSocket.all.length;
      latest().drop();
      let waited = 0;
      while (FakeSocket.all.length === before) {
        vi.advanceTimersByTime(10);
        waited += 10;
      }
      waits.push(waited);
    }
    expect(waits.map((w) => Math.round(w / 10) * 10)).toEqual([250, 1000, 1000, 4000, 4000, 8000, 15000, 15000, 15000]);
    // A connection that completes resets the backoff.
    latest().open();
    random.mockReturnValueOnce(0);
    latest().drop();
    const before = FakeSocket.all.length;
    vi.advanceTimersByTime(250);
    expect(FakeSocket.all.length).toBe(before + 1);
  });

  test('"slow down": a refused message and everything after it wait the time the room named, then go again once, in order', () => {
    connect();
    latest().open();
    latest().receive({ type: 'history', messages: [], more: false });
    const a = socket.send('a');
    const b = socket.send('b');
    latest().receive({ type: 'ack', clientId: a.clientId, seq: 1, createdAt: 1 });
    latest().receive({ type: 'error', code: 'rate_limited', message: 'slow down', clientId: b.clientId, retry_after_ms: 800 });
    // Written while held: queued, not sent, so it cannot overtake "b".
    const c = socket.send('c');
    const sends = () => latest().sent.filter((f) => f.type === 'send').map((f) => (f.type === 'send' ? f.body : ''));
    expect(sends()).toEqual(['a', 'b']);
    expect(pending.map((p) => p.body)).toEqual(['b', 'c']);
    vi.advanceTimersByTime(799);
    expect(sends()).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1);
    expect(sends()).toEqual(['a', 'b', 'b', 'c']);
    const resent = latest().sent.filter((f) => f.type === 'send').slice(2);
    expect(resent).toEqual([
      { type: 'send', clientId: b.clientId, body: 'b' },
      { type: 'send', clientId: c.clientId, body: 'c' },
    ]);
    latest().receive({ type: 'ack', clientId: b.clientId, seq: 2, createdAt: 2 });
    latest().receive({ type: 'ack', clientId: c.clientId, seq: 3, createdAt: 3 });
    expect(received.map((m) => m.body)).toEqual(['a', 'b', 'c']);
    expect(pending).toEqual([]);
  });

  test('a connection that stops answering pings is dropped and replaced', () => {
    connect();
    latest().open();
    latest().receive({ type: 'history', messages: [], more: false });
    const dead = latest();
    vi.advanceTimersByTime(25_000);
    expect(dead.sent.at(-1)).toEqual({ type: 'ping' });
    vi.advanceTimersByTime(10_000);
    expect(dead.readyState).toBe(3);
    vi.advanceTimersByTime(1_000);
    expect(latest()).not.toBe(dead);
  });
});
