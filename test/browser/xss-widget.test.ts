// The XSS corpus in the real widget, in Chromium, on a host page without any CSP: payloads in the
// channel's topics, field labels, options and texts, in FAQ questions and answers, in the agent's
// name, in every message, in file names (links and inline images) and in thread subjects. None
// may run, open a dialog or plant markup, and each must be shown as the literal text it is.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { launchBrowser, saveScreenshot, waitForVisible, type BrowserSession } from './browser.js';
import { AgentDriver, DEMO_AGENT, identityHash, type LobbySocket, type RoomSocket } from './host-agent.js';
import { journey, widget } from './host-journey.js';
import { payloadsUpTo, XSS_PAYLOADS } from './xss-corpus.js';
import { canaryCatches, consoleSession, inertness, startPlainHost, waitForLiteral, watchForXss, type ConsoleSession, type PlainHost, type XssWatch } from './xss-harness.js';
import { cleanFileName } from '../../worker/attachments/file-name';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const run = Date.now();
const channelKey = `xss-widget-${run}`;
const short = payloadsUpTo(80);
const topics = short.slice(0, 30);
const fieldLabels = short.slice(30, 40);
const options = short.slice(0, 50);
const strings = { title: short[40]!, greeting: short[41]!, faqTitle: short[42]!, faqHint: short[43]!, waiting: short[44]! };
const faqs = [0, 1, 2].map((i) => ({ question: `zebra ${XSS_PAYLOADS[45 + i]}`, answer: XSS_PAYLOADS[50 + i]! }));
const agentName = '<img src=x onerror=__xss(2)>"><svg onload=__xss(3)>';
const visitorName = '"><script>__xss(1)</script>';
const fileNames = [...XSS_PAYLOADS.slice(0, 6).map((p) => `${p}.txt`), `${XSS_PAYLOADS[25]}.png`, `${XSS_PAYLOADS[36]}.png`];
// Stored and shown as the server cleans them (path separators become _): still hostile markup, as text.
const shownNames = fileNames.map(cleanFileName);
const userId = `xss-customer-${run}`;
const subjects = XSS_PAYLOADS.slice(10, 20);
/** A 1×1 PNG, shown inline by the widget with its (hostile) name as the alt text. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe.sequential('XSS payloads stay inert in <parley-chat>', () => {
  let host: PlainHost;
  let visitor: BrowserSession;
  let watch: XssWatch;
  let admin: ConsoleSession;
  let hostile: ConsoleSession;
  let agent: AgentDriver;
  let lobby: LobbySocket;
  let room: RoomSocket;
  let conversationId = '';
  const cleanup: (() => Promise<unknown>)[] = [];
  const step = journey('xss-widget', () => ({ visitor }));

  async function expectInert(): Promise<void> {
    expect(await inertness(visitor.page, watch)).toEqual({ hits: [], dialogs: [], planted: [] });
  }

  beforeAll(async () => {
    host = await startPlainHost(baseUrl);
    admin = await consoleSession(baseUrl, DEMO_AGENT);
    const config = {
      topics,
      preChatFields: fieldLabels.map((label, i) => ({ key: `f${i}`, label, type: i === 0 ? 'select' : 'text', required: false, ...(i === 0 ? { options } : {}) })),
      faqSuggestions: true,
      strings: { en: strings },
    };
    const { channel } = await admin.call<{ channel: { id: string } }>('POST', '/api/console/admin/channels', { key: channelKey, name: 'XSS widget', allowedOrigins: ['*'], config });
    for (const faq of faqs) {
      const created = await admin.call<{ faq: { id: string } }>('POST', '/api/console/admin/faqs', { ...faq, channelId: channel.id });
      cleanup.push(() => admin.call('DELETE', `/api/console/admin/faqs/${created.faq.id}`));
    }
    const who = { email: `xss-agent-${run}@example.com`, password: 'xss agent password' };
    const { agent: created } = await admin.call<{ agent: { id: string } }>('POST', '/api/console/admin/agents', { name: agentName, role: 'agent', ...who });
    cleanup.push(() => admin.call('DELETE', `/api/console/admin/agents/${created.id}`));
    hostile = await consoleSession(baseUrl, who);
    agent = await AgentDriver.signIn(baseUrl, { ...who, name: agentName });
    lobby = await agent.beAvailable(channelKey);
    visitor = await launchBrowser();
    watch = await watchForXss(visitor.page);
  });

  afterAll(async () => {
    agent?.close();
    if (conversationId) cleanup.unshift(() => admin.call('DELETE', `/api/console/conversations/${conversationId}`));
    for (const undo of cleanup) await undo().catch(() => {});
    await visitor?.close();
    await host?.close();
  });

  const chat = () => widget(visitor.page);

  step('the pre-chat form shows hostile topics, field labels, options, title and greeting as text', async () => {
    await visitor.page.goto(host.embed('/shop', { channel: channelKey }));
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(chat().getByRole('textbox', { name: 'Name', exact: true }));
    await waitForLiteral(visitor.page, 'parley-chat', [...topics, ...fieldLabels, ...options, strings.title, strings.greeting]);
    await expectInert();
  });

  step('the watch itself catches markup rendered as HTML inside the widget', async () => {
    const caught = await canaryCatches(visitor.page, watch, 'parley-chat');
    expect(caught.hits).toEqual([999]);
    expect(caught.planted).toEqual([expect.stringContaining('event handler onerror')]);
  });

  step('FAQ suggestions show hostile questions and answers as text', async () => {
    await chat().getByRole('textbox', { name: 'Name', exact: true }).fill(visitorName);
    await chat().getByRole('textbox', { name: 'Email', exact: true }).fill(`xss.${run}@example.com`);
    await chat().getByRole('textbox', { name: 'Message', exact: true }).fill(`zebra ${XSS_PAYLOADS[0]}`);
    await waitForLiteral(visitor.page, 'parley-chat', [...faqs.flatMap((f) => [f.question, f.answer]), strings.faqTitle, strings.faqHint]);
    for (const question of faqs.map((f) => f.question)) await chat().getByRole('button', { name: question }).click();
    await expectInert();
  });

  step('the chat starts, waits, and the hostile-named agent joins', async () => {
    await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
    await waitForLiteral(visitor.page, 'parley-chat', [`zebra ${XSS_PAYLOADS[0]}`, strings.waiting], LIVE_MS);
    const entry = await agent.waitInQueue(lobby, visitorName);
    conversationId = entry.conversationId;
    await agent.accept(lobby, conversationId);
    room = await agent.join(conversationId);
    await waitForLiteral(visitor.page, 'parley-chat', [`${agentName} joined the chat.`, `You are chatting with ${agentName}`], LIVE_MS);
    await expectInert();
  });

  step('every payload of the corpus, sent as a message, is shown as text', async () => {
    for (const body of XSS_PAYLOADS) room.send({ type: 'send', clientId: crypto.randomUUID(), body });
    await waitForLiteral(visitor.page, 'parley-chat', XSS_PAYLOADS, LIVE_MS);
    await saveScreenshot(visitor.page, 'xss-widget-messages');
    await expectInert();
  });

  step('hostile file names show as text, in links and as the alt text of inline images', async () => {
    for (const name of fileNames) {
      await hostile.upload(conversationId, name, name.endsWith('.png') ? 'image/png' : 'text/plain', name.endsWith('.png') ? PNG : new TextEncoder().encode('file'));
    }
    await waitForLiteral(visitor.page, 'parley-chat', shownNames, LIVE_MS);
    const alts = await chat().locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).alt));
    expect(alts).toEqual(expect.arrayContaining(shownNames.filter((n) => n.endsWith('.png'))));
    const links = await chat().locator('a.file').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    expect(links).toHaveLength(fileNames.length);
    expect(links.every((path) => path.startsWith('/api/attachments/'))).toBe(true);
    await expectInert();
  });

  step("ending shows the agent's hostile name as text", async () => {
    room.send({ type: 'end' });
    await room.waitFor((f) => f.type === 'status' && f.status === 'ended', 'the chat to end');
    await waitForVisible(chat().getByRole('button', { name: 'Send feedback' }), LIVE_MS);
    await waitForLiteral(visitor.page, 'parley-chat', [`${agentName} ended the chat.`], LIVE_MS);
    await expectInert();
  });

  step("a signed-in customer's thread list shows hostile subjects as text", async () => {
    const { identitySecret } = await admin.call<{ identitySecret: string }>('POST', `/api/console/admin/channels/${(await channelId())}/identity-secret`);
    for (const subject of subjects) {
      const started = await admin.call<{ id: string }>(
        'POST',
        '/api/v1/conversations',
        { channel: channelKey, contact: { name: XSS_PAYLOADS[20]!, email: `xss.${run}@example.com`, externalId: userId }, subject, message: XSS_PAYLOADS[21]! },
        { Authorization: 'Bearer demo-api-key' },
      );
      cleanup.push(() => admin.call('DELETE', `/api/console/conversations/${started.id}`));
    }
    const page = host.embed('/signed', { channel: channelKey, 'user-id': userId, 'user-name': XSS_PAYLOADS[22]!, 'user-hash': await identityHash(userId, identitySecret) });
    await visitor.page.goto(page);
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    // A customer with threads is shown them first.
    await waitForLiteral(visitor.page, 'parley-chat', subjects, LIVE_MS);
    await saveScreenshot(visitor.page, 'xss-widget-threads');
    await expectInert();
  });

  async function channelId(): Promise<string> {
    const { channels } = await admin.call<{ channels: { id: string; key: string }[] }>('GET', '/api/console/admin/channels');
    return channels.find((c) => c.key === channelKey)!.id;
  }
});
