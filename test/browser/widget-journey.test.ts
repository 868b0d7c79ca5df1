// The visitor's whole live journey, step by step, on a customer's page of another origin with a
// strict CSP and hostile CSS: the pre-chat form, FAQ suggestions, waiting in the queue, the chat
// with typing, ticks, notifications, unread badge and files, then ending, going back, feedback and
// the transcript. The agent's side is driven through the console's API and sockets.
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Page } from 'playwright-core';
import type { Message } from '../../protocol/frames';
import type { QueueEntry } from '../../protocol/lobby';
import { launchBrowser, saveScreenshot, waitForHidden, waitForText, waitForTexts, waitForVisible, type BrowserSession } from './browser.js';
import { AgentDriver, DEMO_AGENT, type LobbySocket, type RoomSocket } from './host-agent.js';
import { cspViolations, journey, ownAddress, watchCsp, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;

const run = Date.now();
const visitorName = `Vera Journey ${run}`;
const visitorEmail = `vera.${run}@example.com`;
const question = `I forgot my password and cannot sign in to the portal (${run})`;

/** A solid-colour PNG, big enough to see in a screenshot. */
function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
const RECEIPT = png(160, 100, [46, 160, 110]);

type Recorded = { notifications: unknown[]; events: { type: string; detail: unknown }[] };

/** A stand-in for the browser's Notification API, which headless Chromium cannot show. */
async function fakeNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const recorded = { notifications: [] as unknown[], events: [] as { type: string; detail: unknown }[] };
    (window as unknown as { recorded: typeof recorded }).recorded = recorded;
    class FakeNotification {
      static permission: NotificationPermission = 'default';
      static async requestPermission(): Promise<NotificationPermission> {
        recorded.notifications.push('permission requested');
        FakeNotification.permission = 'granted';
        return 'granted';
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options?: NotificationOptions) {
        recorded.notifications.push({ title, body: options?.body });
      }
      close(): void {}
    }
    Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true });
    for (const type of ['parley-message', 'parley-unread']) {
      document.addEventListener(type, (e) => recorded.events.push({ type, detail: (e as CustomEvent).detail }));
    }
  });
}

const recorded = (page: Page) => page.evaluate(() => (window as unknown as { recorded: Recorded }).recorded);

/** Drops files on the chat, as a visitor dragging them from their desktop would. */
async function dropFiles(page: Page, files: { name: string; type: string; size?: number; text?: string }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text ?? new Uint8Array(f.size ?? 1)], f.name, { type: f.type }));
    return dt;
  }, files);
  const target = widget(page).locator('parley-chat-view');
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

describe.sequential('the visitor journey in <parley-chat>', () => {
  let host: HostServer;
  let visitor: BrowserSession;
  let agent: AgentDriver;
  let lobby: LobbySocket;
  let room: RoomSocket;
  let entry: QueueEntry;
  const uploads: string[] = [];
  const step = journey('journey', () => ({ visitor }));
  const chat = () => widget(visitor.page);
  const log = () => chat().getByRole('log');

  beforeAll(async () => {
    host = await startHostServer();
    agent = await AgentDriver.signIn(baseUrl);
    lobby = await agent.beAvailable('demo');
    visitor = await launchBrowser();
    await watchCsp(visitor.page);
    await ownAddress(visitor.page);
    await fakeNotifications(visitor.page);
    visitor.page.on('request', (r) => {
      if (r.method() === 'POST') uploads.push(r.url());
    });
  });

  afterAll(async () => {
    agent?.close();
    await visitor?.close();
    await host?.close();
  });

  step('pre-chat form: a bad email is refused next to the field, and nothing is sent', async () => {
    const page = visitor.page;
    await page.goto(host.embed('/portal', { parleyOrigin: baseUrl, attributes: { channel: 'demo' } }));
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());

    await waitForVisible(chat().getByRole('textbox', { name: 'Name', exact: true })).then((t) => t.fill(visitorName));
    await chat().getByRole('textbox', { name: 'Email', exact: true }).fill('vera@example');
    await chat().getByRole('textbox', { name: 'Company', exact: true }).fill('Vera Oy');
    await chat().getByRole('combobox', { name: 'Topic', exact: true }).selectOption('Payroll');
    await chat().getByRole('textbox', { name: 'Message', exact: true }).fill(question);
    await chat().getByRole('button', { name: 'Start chat', exact: true }).click();

    const alert = chat().getByRole('alert');
    await waitForText(alert, 'This email address is not valid');
    const email = chat().getByRole('textbox', { name: 'Email', exact: true });
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    // The message sits right under the field and is what the field is described by.
    const nextTo = await email.evaluate((input) => {
      const error = input.nextElementSibling;
      return { role: error?.getAttribute('role'), describes: input.getAttribute('aria-describedby') === error?.id };
    });
    expect(nextTo).toEqual({ role: 'alert', describes: true });
    await expect.poll(() => email.evaluate((input) => (input.getRootNode() as ShadowRoot).activeElement === input)).toBe(true);
    await saveScreenshot(page, 'widget-prechat-bad-email');

    expect(uploads.filter((u) => u.includes('/conversations'))).toEqual([]);
    const lastLobby = lobby.frames.filter((f) => f.type === 'lobby').at(-1);
    expect(lastLobby?.type === 'lobby' && lastLobby.queue.some((q) => q.contactName === visitorName)).toBe(false);
  });

  step('FAQ suggestions for the question appear before the chat starts, and one can be read', async () => {
    const faq = chat().getByRole('button', { name: 'I forgot my password. How do I reset it?', exact: true });
    await waitForVisible(chat().getByRole('heading', { name: 'Answers that may help' }));
    await waitForVisible(faq).then((b) => b.click());
    expect(await faq.getAttribute('aria-expanded')).toBe('true');
    await waitForVisible(chat().getByText(/choose "Forgot password"/));
    await saveScreenshot(visitor.page, 'widget-prechat-faq');
  });

  step('Start chat: the chat waits for an agent and shows its place in the queue', async () => {
    await chat().getByRole('textbox', { name: 'Email', exact: true }).fill(visitorEmail);
    await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
    await waitForText(log(), question, LIVE_MS);
    entry = await agent.waitInQueue(lobby, visitorName);
    await waitForText(chat().getByRole('status').filter({ hasText: 'queue' }), `You are number ${entry.position} in the queue.`);
    await waitForText(chat().getByRole('dialog'), 'Waiting for an agent…');
    expect(entry.topic).toBe('Payroll');
    await saveScreenshot(visitor.page, 'widget-waiting');
  });

  step('the agent accepts: the visitor sees who joined and who they chat with', async () => {
    await agent.accept(lobby, entry.conversationId);
    await waitForText(chat().getByRole('dialog'), `You are chatting with ${DEMO_AGENT.name}`, LIVE_MS);
    await waitForText(log(), `${DEMO_AGENT.name} joined the chat.`);
    expect(await chat().getByRole('status').filter({ hasText: 'queue' }).count()).toBe(0);
    room = await agent.join(entry.conversationId);
  });

  step('typing shows both ways', async () => {
    const composer = chat().getByRole('textbox', { name: 'Message', exact: true });
    await composer.pressSequentially('Also', { delay: 30 });
    await room.waitFor((f) => f.type === 'typing' && f.author.type === 'visitor' && f.active, 'the visitor typing');
    room.send({ type: 'typing', active: true });
    const typing = chat().getByText(`${DEMO_AGENT.name} is typing…`);
    await waitForVisible(typing);
    await saveScreenshot(visitor.page, 'widget-agent-typing');
    room.send({ type: 'send', clientId: `agent-reply-${run}`, body: 'Let me check your account.' });
    await waitForText(log(), 'Let me check your account.');
    await waitForHidden(typing);
  });

  step('Shift+Enter breaks a line, Enter sends; ticks: ✓ once stored, ✓✓ once the agent has read it', async () => {
    const composer = chat().getByRole('textbox', { name: 'Message', exact: true });
    await composer.fill('Also, my username is vera.v');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('and my company is Vera Oy');
    await composer.press('Enter');
    await waitForTexts(log(), ['Also, my username is vera.v', 'and my company is Vera Oy']);
    expect(await composer.inputValue()).toBe('');
    const sent = log().getByRole('img', { name: 'Sent', exact: true });
    await expect.poll(() => sent.count(), { timeout: LIVE_MS }).toBe(2);
    expect(await log().getByRole('img', { name: 'Read', exact: true }).count()).toBe(0);

    const mine = (await room.waitFor(
      (f) => f.type === 'message' && f.message.body === 'Also, my username is vera.v\nand my company is Vera Oy',
      'the two-line message',
    )) as { message: Message };
    room.send({ type: 'read', seq: mine.message.seq });
    await expect.poll(() => log().getByRole('img', { name: 'Read', exact: true }).count(), { timeout: LIVE_MS }).toBe(2);
    expect(await sent.count()).toBe(0);
    await saveScreenshot(visitor.page, 'widget-ticks');
  });

  step('after the first message, notifications are offered; allowed, they announce replies while the chat is closed', async () => {
    const page = visitor.page;
    await waitForVisible(chat().getByRole('button', { name: 'Turn on notifications', exact: true })).then((b) => b.click());
    await waitForHidden(chat().getByRole('button', { name: 'Turn on notifications', exact: true }));
    expect((await recorded(page)).notifications).toEqual(['permission requested']);

    await chat().getByRole('button', { name: 'Close chat', exact: true }).click();
    await waitForHidden(chat().getByRole('dialog'));
    room.send({ type: 'send', clientId: `agent-payslip-${run}`, body: 'Your password reset link is on its way.' });

    const launcher = chat().getByRole('button', { name: 'Open chat', exact: true });
    await expect.poll(() => launcher.evaluate((b) => b.querySelector('.badge')?.textContent?.trim()), { timeout: LIVE_MS }).toBe('1');
    const description = await launcher.evaluate((b) => (b.getRootNode() as ShadowRoot).getElementById(b.getAttribute('aria-describedby')!)?.textContent);
    expect(description).toBe('Unread messages: 1');
    await saveScreenshot(page, 'widget-unread-badge');

    const seen = await recorded(page);
    expect(seen.notifications).toContainEqual({ title: `New message from ${DEMO_AGENT.name}`, body: 'Your password reset link is on its way.' });
    expect(seen.events).toContainEqual({ type: 'parley-unread', detail: { count: 1 } });
    const messageEvent = seen.events.find(
      (e) => e.type === 'parley-message' && (e.detail as Message).body === 'Your password reset link is on its way.',
    );
    expect((messageEvent?.detail as Message | undefined)?.author.name).toBe(DEMO_AGENT.name);

    await launcher.click();
    await waitForText(log(), 'Your password reset link is on its way.');
    const closeLauncher = chat().getByRole('button', { name: 'Close chat', exact: true });
    await expect.poll(() => closeLauncher.evaluate((b) => b.querySelector('.badge'))).toBeNull();
    const stored = await room.waitFor((f) => f.type === 'ack' && f.clientId === `agent-payslip-${run}`, 'the ack of the reply');
    const seq = stored.type === 'ack' ? stored.seq : Infinity;
    await room.waitFor((f) => f.type === 'read' && f.read.visitor >= seq, 'the visitor reading the reply');
    expect((await recorded(page)).events.at(-1)).toEqual({ type: 'parley-unread', detail: { count: 0 } });
  });

  step('files: "Attach file" sends an image shown as a preview, a dropped file is sent, limits are checked first', async () => {
    const page = visitor.page;
    const chooser = page.waitForEvent('filechooser');
    await chat().getByRole('button', { name: 'Attach file', exact: true }).click();
    await (await chooser).setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: RECEIPT });
    const preview = log().getByRole('img', { name: 'receipt.png', exact: true });
    await waitForVisible(preview, LIVE_MS);
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: LIVE_MS }).toBe(160);
    await room.waitFor((f) => f.type === 'message' && f.message.attachment?.name === 'receipt.png', 'the image at the agent');

    await dropFiles(page, [{ name: 'notes.txt', type: 'text/plain', text: 'Account number 12345' }]);
    await waitForVisible(log().getByRole('link', { name: 'Download notes.txt', exact: true }), LIVE_MS);
    await room.waitFor((f) => f.type === 'message' && f.message.attachment?.name === 'notes.txt', 'the dropped file at the agent');

    const before = uploads.filter((u) => u.includes('/attachments')).length;
    await dropFiles(page, [{ name: 'scan.pdf', type: 'application/pdf', size: 11 * 1024 * 1024 }]);
    await waitForText(chat().getByRole('alert'), '“scan.pdf” is too large: files can be at most 10 MB.');
    await dropFiles(page, [{ name: 'tool.exe', type: 'application/x-msdownload' }]);
    await waitForText(chat().getByRole('alert'), '“tool.exe” cannot be sent');
    expect(uploads.filter((u) => u.includes('/attachments')).length).toBe(before);
    await saveScreenshot(page, 'widget-files');
    expect(await cspViolations(page)).toEqual([]);
  });

  step('End chat opens the end form; "Back to chat" returns to the conversation', async () => {
    await chat().getByRole('button', { name: 'End chat', exact: true }).click();
    await waitForVisible(chat().getByText('You ended the chat.', { exact: true }), LIVE_MS);
    for (const name of ['Satisfied', 'Not satisfied', '1 star', '2 stars', '3 stars', '4 stars', '5 stars', 'Send feedback', 'Email me the transcript']) {
      await waitForVisible(chat().getByRole('button', { name, exact: true }));
    }
    await waitForVisible(chat().getByRole('textbox', { name: 'Comment', exact: true }));
    await room.waitFor((f) => f.type === 'status' && f.status === 'ended', 'the end at the agent');

    await chat().getByRole('button', { name: 'Back to chat', exact: true }).click();
    await waitForText(log(), 'You returned to the chat.', LIVE_MS);
    await waitForText(chat().getByRole('dialog'), `You are chatting with ${DEMO_AGENT.name}`);
    await waitForVisible(chat().getByRole('textbox', { name: 'Message', exact: true }));
  });

  step('the end form sends satisfaction, stars and a comment; the transcript is emailed on request', async () => {
    await chat().getByRole('button', { name: 'End chat', exact: true }).click();
    await waitForVisible(chat().getByRole('button', { name: 'Satisfied', exact: true }), LIVE_MS).then((b) => b.click());
    await chat().getByRole('button', { name: '4 stars', exact: true }).click();
    expect(await chat().getByRole('button', { name: '4 stars', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await chat().getByRole('textbox', { name: 'Comment', exact: true }).fill('Quick and friendly.');
    await saveScreenshot(visitor.page, 'widget-end-form');
    await chat().getByRole('button', { name: 'Send feedback', exact: true }).click();
    await waitForVisible(chat().getByText('Thank you for your feedback!', { exact: true }), LIVE_MS);
    const feedback = await room.waitFor((f) => f.type === 'feedback', 'the feedback at the agent');
    expect(feedback).toEqual({ type: 'feedback', feedback: { satisfied: true, rating: 4, comment: 'Quick and friendly.' } });

    await chat().getByRole('button', { name: 'Email me the transcript', exact: true }).click();
    await waitForVisible(chat().getByText('The transcript is on its way to your email.', { exact: true }), LIVE_MS);
    await expect
      .poll(
        async () => {
          const { emails } = await agent.api<{ emails: { to: string; template: string }[] }>('GET', '/api/console/admin/emails?limit=100');
          return emails.filter((e) => e.to === visitorEmail).map((e) => e.template);
        },
        { timeout: LIVE_MS },
      )
      .toContain('transcript');
    await saveScreenshot(visitor.page, 'widget-feedback-sent');
  });

  step('a new chat after the end; when the agent ends it, the visitor is told who did', async () => {
    await chat().getByRole('button', { name: 'Start a new chat', exact: true }).click();
    await waitForVisible(chat().getByRole('textbox', { name: 'Name', exact: true })).then((t) => t.fill(visitorName));
    await chat().getByRole('textbox', { name: 'Email', exact: true }).fill(visitorEmail);
    await chat().getByRole('textbox', { name: 'Message', exact: true }).fill(`A second question about payroll (${run})`);
    await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
    await waitForText(log(), `A second question about payroll (${run})`, LIVE_MS);
    const second = await agent.waitInQueue(lobby, visitorName, (q) => q.conversationId !== entry.conversationId);
    await agent.accept(lobby, second.conversationId);
    const secondRoom = await agent.join(second.conversationId);
    secondRoom.send({ type: 'send', clientId: `agent-second-${run}`, body: 'Payroll runs on the 25th.' });
    await waitForTexts(log(), [`${DEMO_AGENT.name} joined the chat.`, 'Payroll runs on the 25th.'], { timeout: LIVE_MS });
    secondRoom.send({ type: 'end' });
    await waitForVisible(chat().getByText(`${DEMO_AGENT.name} ended the chat.`, { exact: true }), LIVE_MS);
    await waitForVisible(chat().getByRole('button', { name: 'Send feedback', exact: true }));
    await saveScreenshot(visitor.page, 'widget-ended-by-agent');
  });
});
