// Signed-in customers: a host page vouches for its customer with user-id and user-hash; the
// customer sees their own threads (on any device), starts a new one while another is open, and
// switches between them. An identity whose hash does not verify is ignored.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { launchBrowser, saveScreenshot, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { AgentDriver, identityHash, type LobbySocket } from './host-agent.js';
import { journey, ownAddress, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const run = Date.now();
const userId = `cust-${run}`;
const first = `Invoice 1042 shows the wrong VAT (${run})`;
const second = `How do I add a new employee? (${run})`;
const unsigned = `Sent with a forged identity (${run})`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.sequential("a signed-in customer's threads", () => {
  let host: HostServer;
  let laptop: BrowserSession;
  let phone: BrowserSession;
  let stranger: BrowserSession;
  let agent: AgentDriver;
  let lobby: LobbySocket;
  let signedPage: string;
  const step = journey('threads', () => ({ laptop, phone, stranger }));
  const chatOn = (session: BrowserSession) => widget(session.page);
  const thread = (session: BrowserSession, subject: string) =>
    chatOn(session).getByRole('button', { name: new RegExp(escape(subject)) });

  async function startChat(session: BrowserSession, question: string): Promise<void> {
    const chat = chatOn(session);
    await waitForVisible(chat.getByRole('textbox', { name: 'Message', exact: true })).then((t) => t.fill(question));
    await chat.getByRole('button', { name: 'Start chat', exact: true }).click();
    await waitForText(chat.getByRole('log'), question, LIVE_MS);
  }

  beforeAll(async () => {
    host = await startHostServer();
    agent = await AgentDriver.signIn(baseUrl);
    lobby = await agent.beAvailable('demo');
    const attributes = {
      channel: 'demo',
      'user-id': userId,
      'user-name': 'Sami Signed',
      'user-email': `sami.${run}@example.com`,
      'user-hash': await identityHash(userId),
    };
    signedPage = host.embed('/signed', { parleyOrigin: baseUrl, attributes });
    host.embed('/forged', { parleyOrigin: baseUrl, attributes: { ...attributes, 'user-hash': '0'.repeat(64) } });
    laptop = await launchBrowser();
    await ownAddress(laptop.page);
  });

  afterAll(async () => {
    agent?.close();
    await laptop?.close();
    await phone?.close();
    await stranger?.close();
    await host?.close();
  });

  step('the pre-chat form knows the signed-in customer; their first conversation starts', async () => {
    await laptop.page.goto(signedPage);
    const chat = chatOn(laptop);
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(chat.getByRole('textbox', { name: 'Name', exact: true }));
    expect(await chat.getByRole('textbox', { name: 'Name', exact: true }).inputValue()).toBe('Sami Signed');
    expect(await chat.getByRole('textbox', { name: 'Email', exact: true }).inputValue()).toBe(`sami.${run}@example.com`);
    await startChat(laptop, first);
    await agent.waitInQueue(lobby, 'Sami Signed');
  });

  step('while it is open, the customer starts another one from "Your conversations"', async () => {
    const chat = chatOn(laptop);
    await chat.getByRole('button', { name: 'Your conversations', exact: true }).click();
    await waitForVisible(thread(laptop, first));
    await chat.getByRole('button', { name: 'New conversation', exact: true }).click();
    await startChat(laptop, second);
    expect(await chat.getByRole('log').innerText()).not.toContain(first);
  });

  step('the customer switches between the two', async () => {
    const chat = chatOn(laptop);
    await chat.getByRole('button', { name: 'Your conversations', exact: true }).click();
    await waitForVisible(thread(laptop, second));
    await saveScreenshot(laptop.page, 'widget-threads');
    await thread(laptop, first).click();
    await waitForText(chat.getByRole('log'), first, LIVE_MS);
    expect(await chat.getByRole('log').innerText()).not.toContain(second);
    await chat.getByRole('button', { name: 'Your conversations', exact: true }).click();
    await thread(laptop, second).click();
    await waitForText(chat.getByRole('log'), second, LIVE_MS);
  });

  step('on another device the same customer finds both threads and their history', async () => {
    phone = await launchBrowser({ viewport: { width: 390, height: 760 } });
    await ownAddress(phone.page);
    await phone.page.goto(signedPage);
    const chat = chatOn(phone);
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(thread(phone, first), LIVE_MS);
    await waitForVisible(thread(phone, second));
    await saveScreenshot(phone.page, 'widget-threads-phone');
    await thread(phone, first).click();
    await waitForText(chat.getByRole('log'), first, LIVE_MS);
    // Full screen on a phone: the panel has its own close button, the launcher hides meanwhile.
    await chat.getByRole('button', { name: 'Close chat', exact: true }).click();
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true }));
  });

  step('an identity whose hash does not verify is ignored: no threads, and nothing joins the real ones', async () => {
    stranger = await launchBrowser();
    await ownAddress(stranger.page);
    await stranger.page.goto(`${host.origin}/forged`);
    const chat = chatOn(stranger);
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(chat.getByRole('textbox', { name: 'Message', exact: true }));
    expect(await chat.getByRole('button', { name: 'Your conversations', exact: true }).count()).toBe(0);
    await startChat(stranger, unsigned);

    await phone.page.reload();
    const phoneChat = chatOn(phone);
    await waitForVisible(phoneChat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(phoneChat.getByRole('log'), LIVE_MS);
    await phoneChat.getByRole('button', { name: 'Your conversations', exact: true }).click();
    await waitForVisible(thread(phone, second));
    expect(await thread(phone, unsigned).count()).toBe(0);
  });
});
