// The widget on a touch phone (390×844, touch, mobile viewport): opening it pops no keyboard (no
// text field takes focus until the visitor touches the panel), every field is 16 px so iOS never
// zooms, and a conversation deleted on the server is forgotten, live and after a reload, with a
// new chat offered instead of "offline" for ever.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { CHROMIUM_PATH, waitForVisible, type BrowserSession } from './browser.js';
import { AgentDriver, type LobbySocket } from './host-agent.js';
import { journey, ownAddress, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';
import { checkScreen } from './widget-checks.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const run = Date.now();

/** A phone: touch screen, mobile viewport; `(pointer: coarse)` matches as on a real one. */
async function launchPhone(): Promise<BrowserSession> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-phone-'));
  const context: BrowserContext = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
    deviceScaleFactor: 2,
    locale: 'en-US',
  });
  const problems: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => {});
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** What has focus inside the widget's nested shadow roots: its tag and accessible label. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.getAttribute('aria-label') ? ` ${el.getAttribute('aria-label')}` : ''}` : null;
  });

describe.sequential('the widget on a touch phone', () => {
  let host: HostServer;
  let visitor: BrowserSession;
  let agent: AgentDriver;
  let lobby: LobbySocket;
  let conversationId = '';
  const name = `Pia Phone ${run}`;
  const step = journey('phone', () => ({ visitor }));
  const chat = () => widget(visitor.page);
  const field = (label: string) => chat().getByRole('textbox', { name: label, exact: true });

  beforeAll(async () => {
    host = await startHostServer();
    agent = await AgentDriver.signIn(baseUrl);
    lobby = await agent.beAvailable('demo');
    visitor = await launchPhone();
    await ownAddress(visitor.page);
  });

  afterAll(async () => {
    agent?.close();
    await visitor?.close();
    await host?.close();
  });

  step('opening on a touch screen focuses no text field, so no keyboard pops up', async () => {
    await visitor.page.goto(host.embed('/phone', { parleyOrigin: baseUrl, attributes: { channel: 'demo' } }));
    expect(await visitor.page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.tap());
    await waitForVisible(field('Name'));
    await expect.poll(() => focused(visitor.page)).toBe('section');
    await checkScreen(visitor.page, 'widget-phone-touch-prechat');
  });

  step('every field is 16 px: iOS does not zoom when one takes focus', async () => {
    const sizes = await chat()
      .locator('parley-contact-form')
      .evaluate((form) => [...form.shadowRoot!.querySelectorAll('input, select, textarea')].map((el) => getComputedStyle(el).fontSize));
    expect(sizes.length).toBeGreaterThanOrEqual(4);
    expect(new Set(sizes)).toEqual(new Set(['16px']));
  });

  step('after Start chat (a tap), focus goes to the message box', async () => {
    // A lobby of its own just now, and the widget opened again until it sees it (the public
    // channel may be a few seconds old): the chat must find an agent when it starts.
    lobby = await agent.beAvailable('demo');
    const startChat = chat().getByRole('button', { name: 'Start chat', exact: true });
    for (let tries = 0; !(await startChat.isVisible()) && tries < 15; tries++) {
      await chat().getByRole('button', { name: 'Close chat', exact: true }).first().tap();
      await chat().getByRole('button', { name: 'Open chat', exact: true }).tap();
      await waitForVisible(startChat, 1_000).catch(() => undefined);
    }
    await field('Name').tap();
    await field('Name').fill(name);
    await field('Email').fill(`pia.${run}@example.com`);
    await field('Message').fill('Formatting on a phone, please.');
    await chat().getByRole('button', { name: 'Start chat', exact: true }).tap();
    const entry = await agent.waitInQueue(lobby, name);
    conversationId = entry.conversationId;
    await expect.poll(() => focused(visitor.page), { timeout: LIVE_MS }).toBe('textarea Message');
    const size = await field('Message').evaluate((t) => getComputedStyle(t).fontSize);
    expect(size).toBe('16px');
  });

  step('a conversation deleted on the server is forgotten at once, and a new chat is offered', async () => {
    await agent.api('DELETE', `/api/console/conversations/${encodeURIComponent(conversationId)}`);
    await waitForVisible(chat().getByText('That conversation is no longer available. You can start a new one here.'), LIVE_MS);
    await waitForVisible(chat().getByRole('button', { name: 'Start chat', exact: true }));
    expect(await chat().getByText(/Offline/).count()).toBe(0);
    await checkScreen(visitor.page, 'widget-phone-conversation-gone');
    const stored = await visitor.page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    expect(stored).not.toContain(conversationId);
  });

  step('after a reload, the forgotten conversation is not resumed', async () => {
    await visitor.page.reload();
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.tap());
    await waitForVisible(chat().getByRole('button', { name: 'Start chat', exact: true }), LIVE_MS);
    expect(await chat().getByText(/Offline/).count()).toBe(0);
  });
});
