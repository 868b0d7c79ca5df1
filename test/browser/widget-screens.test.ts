// Every screen of the widget at three sizes (a laptop, a small laptop, a phone): launcher,
// pre-chat with its errors clearing as fields are fixed, FAQ suggestions, waiting, the chat with a
// formatted agent message (links clickable, `javascript:` inert), an attachment, the end form with
// its error clearing, the closed channel and the ticket receipt. Each screen is photographed, has
// nothing sticking out sideways, and passes axe-core (WCAG 2.2 AA) with no serious or critical
// violation. On the phone, the message box stays visible with the keyboard's share of the screen gone.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { launchBrowser, waitForHidden, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { AgentDriver, DEMO_AGENT, type LobbySocket, type RoomSocket } from './host-agent.js';
import { journey, ownAddress, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';
import { checkScreen, composerBox } from './widget-checks.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const run = Date.now();

/** What the agent writes: every formatting rule, two real links and two that must stay text. */
export const FORMATTED =
  'Here is **how to reset it**, step by step:\n1. Open https://example.com/reset?from=chat\n2. Choose *Forgot password*\n' +
  '- or write to mailto:help@example.com\n- never `javascript:alert(1)` or [this](javascript:alert(2))';

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'laptop', width: 1024, height: 700 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let host: HostServer;

beforeAll(async () => {
  host = await startHostServer();
});

afterAll(async () => {
  await host?.close();
});

for (const size of SIZES) {
  describe.sequential(`every widget screen at ${size.width}×${size.height}`, () => {
    let visitor: BrowserSession;
    let agent: AgentDriver;
    let lobby: LobbySocket;
    let room: RoomSocket;
    const name = `Sally Screens ${size.name} ${run}`;
    const step = journey(`screens-${size.name}`, () => ({ visitor }));
    const chat = () => widget(visitor.page);
    const log = () => chat().getByRole('log');
    const shot = (screen: string) => checkScreen(visitor.page, `widget-${size.name}-${screen}`);
    const field = (label: string) => chat().getByRole('textbox', { name: label, exact: true });

    beforeAll(async () => {
      agent = await AgentDriver.signIn(baseUrl);
      lobby = await agent.beAvailable('demo');
      visitor = await launchBrowser({ viewport: { width: size.width, height: size.height } });
      await ownAddress(visitor.page);
    });

    afterAll(async () => {
      agent?.close();
      await visitor?.close();
    });

    step('launcher', async () => {
      await visitor.page.goto(host.embed(`/screens-${size.name}`, { parleyOrigin: baseUrl, attributes: { channel: 'demo' } }));
      await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true }));
      await shot('launcher');
    });

    step('pre-chat: each error goes as soon as its field is right', async () => {
      await chat().getByRole('button', { name: 'Open chat', exact: true }).click();
      await waitForVisible(field('Name'));
      await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
      await waitForVisible(chat().getByText('Please enter your name.', { exact: true }));
      const alerts = chat().getByRole('alert');
      await expect.poll(() => alerts.count()).toBe(3);
      await shot('prechat-errors');

      await field('Name').fill(name);
      await expect.poll(() => alerts.count()).toBe(2);
      expect(await field('Name').getAttribute('aria-invalid')).toBe('false');
      // Half-typed is still wrong: the email's error stays until the address is whole.
      await field('Email').fill('sally@exam');
      await expect.poll(() => alerts.count()).toBe(2);
      await field('Email').fill(`sally.${size.name}.${run}@example.com`);
      await expect.poll(() => alerts.count()).toBe(1);
      await shot('prechat');
    });

    step('FAQ suggestions', async () => {
      await field('Message').fill(`I forgot my password (${size.name} ${run})`);
      await expect.poll(() => chat().getByRole('alert').count()).toBe(0);
      await waitForVisible(chat().getByRole('heading', { name: 'Answers that may help' }), LIVE_MS);
      await chat().getByRole('button', { name: 'I forgot my password. How do I reset it?', exact: true }).click();
      await waitForVisible(chat().getByText(/choose "Forgot password"/));
      await shot('faq');
    });

    step('waiting: the queue status once, and focus in the message box', async () => {
      await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
      const entry = await agent.waitInQueue(lobby, name);
      await waitForText(chat().getByRole('status').filter({ hasText: 'queue' }), `You are number ${entry.position} in the queue.`, LIVE_MS);
      expect(await chat().getByText('in the queue', { exact: false }).count()).toBe(1);
      const composer = field('Message');
      await expect.poll(() => composer.evaluate((t) => (t.getRootNode() as ShadowRoot).activeElement === t)).toBe(true);
      expect(await composer.getAttribute('placeholder')).toBe('Write a message…');
      await shot('waiting');
      await agent.accept(lobby, entry.conversationId);
      room = await agent.join(entry.conversationId);
    });

    step('chat: formatted messages, links clickable, javascript: inert', async () => {
      await waitForText(chat().getByRole('dialog'), `You are chatting with ${DEMO_AGENT.name}`, LIVE_MS);
      room.send({ type: 'send', clientId: `screens-${size.name}-${run}`, body: FORMATTED });
      await waitForText(log(), 'how to reset it', LIVE_MS);
      const links = await log().locator('a:not(.file)').evaluateAll((as) =>
        as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent, rel: a.getAttribute('rel'), target: a.getAttribute('target') })),
      );
      expect(links).toEqual([
        { href: 'https://example.com/reset?from=chat', text: 'https://example.com/reset?from=chat', rel: 'noopener noreferrer', target: '_blank' },
        { href: 'mailto:help@example.com', text: 'mailto:help@example.com', rel: 'noopener noreferrer', target: '_blank' },
      ]);
      expect(await log().locator('strong').allTextContents()).toEqual(['how to reset it']);
      expect(await log().locator('em').allTextContents()).toEqual(['Forgot password']);
      expect(await log().locator('code').allTextContents()).toEqual(['javascript:alert(1)']);
      expect(await log().locator('ol > li').count()).toBe(2);
      expect(await log().locator('ul > li').count()).toBe(2);
      await waitForText(log(), '[this](javascript:alert(2))');
      await shot('chat');

      if (size.name === 'phone') {
        // The on-screen keyboard takes ~40% of the screen: the message box must stay in view.
        await visitor.page.setViewportSize({ width: size.width, height: 500 });
        await expect.poll(async () => (await composerBox(visitor.page))!.bottom).toBeLessThanOrEqual(500);
        const box = (await composerBox(visitor.page))!;
        expect(box.top).toBeGreaterThanOrEqual(box.visibleTop);
        await shot('chat-keyboard');
        await visitor.page.setViewportSize({ width: size.width, height: size.height });
      }
    });

    step('attachments', async () => {
      await chat().locator('input[type="file"]').setInputFiles({ name: `notes-${size.name}.txt`, mimeType: 'text/plain', buffer: Buffer.from('receipt notes') });
      const file = log().getByRole('link', { name: `Download notes-${size.name}.txt` });
      await waitForVisible(file, LIVE_MS);
      await expect.poll(() => file.getAttribute('href'), { timeout: LIVE_MS }).toMatch(/^http/);
      await shot('attachment');
    });

    step('end form: its error goes once a question is answered', async () => {
      await chat().getByRole('button', { name: 'End chat', exact: true }).click();
      await waitForVisible(chat().getByText('You ended the chat.'), LIVE_MS);
      await chat().getByRole('button', { name: 'Send feedback', exact: true }).click();
      await waitForVisible(chat().getByRole('alert').filter({ hasText: 'Choose satisfied or not' }));
      await shot('end-form-error');
      await chat().getByRole('button', { name: 'Satisfied', exact: true }).click();
      await waitForHidden(chat().getByRole('alert').filter({ hasText: 'Choose satisfied or not' }));
      await chat().getByRole('button', { name: '4 stars', exact: true }).click();
      await shot('end-form');
    });

    step('closed', async () => {
      await visitor.page.goto(host.embed(`/screens-closed-${size.name}`, { parleyOrigin: baseUrl, attributes: { channel: 'demo-closed' } }));
      await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
      await waitForVisible(chat().getByText("Sorry, we're closed.", { exact: true }), LIVE_MS);
      await shot('closed');
    });

    step('ticket', async () => {
      await field('Name').fill(`Tom Ticket ${size.name}`);
      await field('Email').fill(`tom.${size.name}.${run}@example.com`);
      await field('Message').fill('Please call me back about **payroll**.');
      await chat().getByRole('button', { name: 'Send message', exact: true }).click();
      await waitForText(chat().getByRole('status').filter({ hasText: 'Your ticket number is' }), 'Your ticket number is', LIVE_MS);
      await shot('ticket');
    });
  });
}
