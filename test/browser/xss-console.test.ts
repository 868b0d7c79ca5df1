// The XSS corpus in the real console, in Chromium, with the console's CSP set aside so that only
// escaping can keep payloads inert: contact names, subjects and account names in the inbox, the
// queue, every message and file name of a thread, agents' names, notifications, accounts and their
// contacts, and in Administration FAQs, agents, channel names and an email's ticket question.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, turnAvailable } from './console-agent.js';
import { DEMO_AGENT } from './host-agent.js';
import { journey } from './host-journey.js';
import { payloadsUpTo, XSS_PAYLOADS } from './xss-corpus.js';
import { canaryCatches, consoleSession, inertness, waitForLiteral, watchForXss, withoutCsp, type ConsoleSession, type XssWatch } from './xss-harness.js';
import { cleanFileName } from '../../worker/attachments/file-name';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const run = Date.now();
const API = { Authorization: 'Bearer demo-api-key' };
const channelName = payloadsUpTo(80)[1]!;
const agentName = '<svg onload=__xss(3)>"><img src=x onerror=__xss(2)>';
const accountNames = XSS_PAYLOADS.slice(25, 28);
const faqs = XSS_PAYLOADS.slice(36, 41).map((p, i) => ({ question: p, answer: XSS_PAYLOADS[44 + i]! }));
const fileNames = [...XSS_PAYLOADS.slice(0, 6).map((p) => `${p}.txt`), `${XSS_PAYLOADS[25]}.png`];
// Stored and shown as the server cleans them (path separators become _): still hostile markup, as text.
const shownNames = fileNames.map(cleanFileName);
const queued = XSS_PAYLOADS.slice(6, 9);
const ticketQuestion = XSS_PAYLOADS[29]!;
const alertNote = XSS_PAYLOADS[30]!;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe.sequential('XSS payloads stay inert in the console', () => {
  let session: BrowserSession;
  let watch: XssWatch;
  let admin: ConsoleSession;
  let channelKey = '';
  let thread = '';
  const conversations: string[] = [];
  const cleanup: (() => Promise<unknown>)[] = [];
  const step = journey('xss-console', () => ({ console: session }));
  const page = (): Page => session.page;

  async function expectInert(): Promise<void> {
    expect(await inertness(page(), watch)).toEqual({ hits: [], dialogs: [], planted: [] });
  }

  /** Waits until each thread's notification shows its last message: the room has copied them all to D1. */
  async function notified(last: Record<string, string>): Promise<void> {
    const deadline = Date.now() + LIVE_MS;
    for (;;) {
      const { notifications } = await admin.call<{ notifications: { conversationId: string; preview: string }[] }>('GET', '/api/console/notifications');
      if (Object.entries(last).every(([id, preview]) => notifications.some((n) => n.conversationId === id && n.preview === preview))) return;
      if (Date.now() > deadline) throw new Error('the threads never reached the notifications');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function show(hash: string): Promise<void> {
    await page().evaluate((h) => (location.hash = h), hash);
  }

  beforeAll(async () => {
    admin = await consoleSession(baseUrl, DEMO_AGENT);
    channelKey = `xss-console-${run}`;
    const { channel } = await admin.call<{ channel: { id: string } }>('POST', '/api/console/admin/channels', { key: channelKey, name: channelName, allowedOrigins: ['*'] });
    const who = { email: `xss-console-agent-${run}@example.com`, password: 'xss agent password' };
    const { agent } = await admin.call<{ agent: { id: string } }>('POST', '/api/console/admin/agents', { name: agentName, role: 'agent', ...who });
    cleanup.push(() => admin.call('DELETE', `/api/console/admin/agents/${agent.id}`));
    for (const faq of faqs) {
      const created = await admin.call<{ faq: { id: string } }>('POST', '/api/console/admin/faqs', { ...faq, channelId: channel.id });
      cleanup.push(() => admin.call('DELETE', `/api/console/admin/faqs/${created.faq.id}`));
    }
    const start = async (body: Record<string, unknown>) => {
      const { id } = await admin.call<{ id: string }>('POST', '/api/v1/conversations', { channel: channelKey, ...body }, API);
      conversations.push(id);
      return id;
    };
    // One thread per payload: it names the contact and is the subject, written by the hostile-named agent.
    for (const [i, payload] of XSS_PAYLOADS.entries()) {
      await start({ contact: { name: payload, email: `xss${i}.${run}@example.com` }, subject: payload, message: payload, initiatedBy: 'agent', agentId: agent.id });
    }
    // The demo admin's own thread, where the customer writes every payload and the agent answers with them.
    thread = await start({ contact: { name: XSS_PAYLOADS[24]!, email: `xss-thread.${run}@example.com` }, subject: `Thread ${run}`, message: 'Hello', initiatedBy: 'agent', agentId: 'ag_demo' });
    for (const body of XSS_PAYLOADS) {
      await admin.call('POST', `/api/v1/conversations/${thread}/messages`, { body, author: 'customer' }, API);
      await admin.call('POST', `/api/v1/conversations/${thread}/messages`, { body, author: 'agent', agentId: agent.id }, API);
    }
    for (const name of fileNames) await admin.upload(thread, name, name.endsWith('.png') ? 'image/png' : 'text/plain', name.endsWith('.png') ? PNG : new TextEncoder().encode('file'));
    // Another of the admin's threads, where a hostile-named customer writes.
    const other = await start({ contact: { name: XSS_PAYLOADS[23]!, email: `xss-other.${run}@example.com` }, subject: `Other ${run}`, message: 'Hi', initiatedBy: 'agent', agentId: 'ag_demo' });
    await admin.call('POST', `/api/v1/conversations/${other}/messages`, { body: XSS_PAYLOADS[22]!, author: 'customer' }, API);
    // The thread's messages reach the notifications as the room copies them to D1; the alert must come after.
    await notified({ [thread]: XSS_PAYLOADS.at(-1)!, [other]: XSS_PAYLOADS[22]! });
    // The hostile-named agent alerts the administrators (the one who alerts is not alerted).
    const hostile = await consoleSession(baseUrl, who);
    await hostile.call('POST', `/api/console/conversations/${thread}/notify-admins`, { note: alertNote });
    for (const [i, name] of accountNames.entries()) {
      const { account } = await admin.call<{ account: { id: string } }>('POST', '/api/console/accounts', { name });
      await admin.call('POST', `/api/console/accounts/${account.id}/contacts`, { name: XSS_PAYLOADS[31 + i]!, email: i === 0 ? `xss-thread.${run}@example.com` : `xss-account${i}.${run}@example.com` });
    }
    for (const [i, name] of queued.entries()) await start({ contact: { name, email: `xss-queued${i}.${run}@example.com` }, subject: XSS_PAYLOADS[9 + i]!, message: 'Waiting' });
    await admin.call('POST', '/api/v1/tickets', { contact: { name: XSS_PAYLOADS[28]!, email: `xss-ticket.${run}@example.com` }, question: ticketQuestion, channel: channelKey }, API);

    session = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    watch = await watchForXss(page());
    await withoutCsp(page());
  }, 120_000);

  afterAll(async () => {
    for (const id of conversations) cleanup.push(() => admin.call('DELETE', `/api/console/conversations/${id}`));
    for (const undo of cleanup) await undo().catch(() => {});
    await session?.close();
  }, 60_000);

  step("the console's CSP is set aside here: an inline handler put in as HTML runs and is caught", async () => {
    await signInToConsole(page(), baseUrl, DEMO_ADMIN);
    const caught = await canaryCatches(page(), watch, 'parley-console');
    expect(caught.hits).toEqual([999]);
    expect(caught.planted).toEqual([expect.stringContaining('event handler onerror')]);
  });

  step('the inbox shows hostile contact names, subjects and account names as text', async () => {
    await show('view=inbox');
    await waitForVisible(page().getByRole('combobox', { name: 'Rows per page' })).then((s) => s.selectOption('100'));
    await waitForLiteral(page(), 'parley-console', [...XSS_PAYLOADS, accountNames[0]!], LIVE_MS);
    await saveScreenshot(page(), 'xss-console-inbox');
    await expectInert();
  });

  step('the queue shows hostile names and subjects of waiting chats as text', async () => {
    await turnAvailable(page());
    await waitForLiteral(page(), 'parley-queue', [...queued, ...XSS_PAYLOADS.slice(9, 12)], LIVE_MS);
    await expectInert();
  });

  step("a thread shows every payload, the agent's hostile name and hostile file names as text", async () => {
    await show(`view=inbox&c=${encodeURIComponent(thread)}`);
    await waitForLiteral(page(), 'parley-thread', [...XSS_PAYLOADS, agentName, ...shownNames], LIVE_MS);
    const links = await page()
      .locator('parley-thread a')
      .evaluateAll((as) => as.map((a) => ({ href: (a as HTMLAnchorElement).href, text: (a.textContent ?? '').trim() })));
    expect(links.some((l) => new URL(l.href).pathname.startsWith('/api/attachments/'))).toBe(true);
    for (const link of links) {
      const url = new URL(link.href);
      // Files, the console's own views, and addresses the formatter linked: those show the address itself.
      if (url.origin === new URL(baseUrl).origin) continue;
      expect(['http:', 'https:', 'mailto:'], link.href).toContain(url.protocol);
      expect(new URL(link.text).href, link.href).toBe(link.href);
    }
    await saveScreenshot(page(), 'xss-console-thread');
    await expectInert();
  });

  step('notifications show hostile authors, previews and notes as text', async () => {
    await show('view=notifications');
    await waitForLiteral(page(), 'parley-notifications', [`${agentName}: ${alertNote}`, `${XSS_PAYLOADS[23]}: ${XSS_PAYLOADS[22]}`], LIVE_MS);
    await expectInert();
  });

  step('accounts show hostile account and contact names as text', async () => {
    await show('view=accounts');
    await waitForLiteral(page(), 'parley-accounts', accountNames, LIVE_MS);
    await page().locator('parley-accounts').getByRole('button', { name: accountNames[0]! }).first().click();
    await waitForLiteral(page(), 'parley-accounts', [XSS_PAYLOADS[31]!], LIVE_MS);
    await expectInert();
  });

  step('Administration shows hostile channel names, FAQs and agent names as text', async () => {
    await show('view=admin');
    await waitForLiteral(page(), 'parley-admin', [channelName], LIVE_MS);
    await page().getByRole('tab', { name: 'FAQs', exact: true }).click();
    await waitForLiteral(page(), 'parley-admin', faqs.flatMap((f) => [f.question, f.answer]), LIVE_MS);
    await page().getByRole('tab', { name: 'Agents', exact: true }).click();
    await waitForLiteral(page(), 'parley-admin', [agentName], LIVE_MS);
    await expectInert();
  });

  step("the email outbox shows a ticket receipt's hostile question as text", async () => {
    await page().getByRole('tab', { name: 'Email outbox', exact: true }).click();
    const row = page().getByRole('row').filter({ hasText: `xss-ticket.${run}@example.com` });
    await waitForVisible(row, LIVE_MS);
    await row.getByRole('button').click();
    await waitForLiteral(page(), 'parley-admin', [ticketQuestion], LIVE_MS);
    await saveScreenshot(page(), 'xss-console-outbox');
    await expectInert();
  });
});
