// Email continues the conversation, in Chromium against wrangler dev: the visitor closes the page,
// the agent sees "Visitor left" at once and replies, the reply is emailed (outbox), the customer's
// email reply (real MIME through /cdn-cgi/handler/email) appears live in the agent's thread, and
// the widget shows it when the visitor comes back.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, turnAvailable, until } from './console-agent.js';
import { expectAccessible } from './daily-tools-driver.js';
import { journey } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const run = Date.now();
const customer = { name: `Erin Email ${run}`, email: `erin.${run}@example.com` };
const question = `Where is my refund? (${run})`;
const agentReply = `It was sent on Monday. (${run})`;
const emailAnswer = `Found it in my bank account, thanks! (${run})`;

const widget = (page: Page) => page.locator('parley-chat');

/** The console's Administration API, called from the signed-in console page (same origin, its cookie). */
async function admin<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(`/api/console/admin${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    { method, path, body },
  ) as Promise<T>;
}

describe.sequential('email continuity: leave, reply by email, come back', () => {
  let visitor: BrowserSession;
  let agent: BrowserSession;
  let host: HostServer;
  let pageUrl = '';

  beforeAll(async () => {
    host = await startHostServer();
    visitor = await launchBrowser({ viewport: { width: 390, height: 844 } });
    agent = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await visitor?.close();
    await agent?.close();
    await host?.close();
  });

  const step = journey('email', () => ({ visitor, agent }));

  const console_ = () => agent.page;
  const thread = () => console_().getByRole('log', { name: 'Messages' });

  step('an admin makes a channel that emails unseen replies after 5 seconds, and turns available', async () => {
    await signInToConsole(console_(), baseUrl, DEMO_ADMIN);
    const key = `email-${run}`;
    await admin(console_(), 'POST', '/channels', {
      key,
      name: 'Refund desk',
      allowedOrigins: [host.origin],
      config: { replyEmailDelaySeconds: 5, leaveGraceSeconds: 300 },
    });
    pageUrl = host.embed('/shop', { parleyOrigin: baseUrl, attributes: { channel: key } });
    // The console reaches the new channel's lobby on its next load.
    await console_().reload();
    await turnAvailable(console_());
  });

  step('the visitor starts a chat and the agent accepts it', async () => {
    await visitor.page.goto(pageUrl);
    const chat = widget(visitor.page);
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(chat.getByRole('textbox', { name: 'Name', exact: true })).then((t) => t.fill(customer.name));
    await chat.getByRole('textbox', { name: 'Email', exact: true }).fill(customer.email);
    await chat.getByRole('textbox', { name: 'Message', exact: true }).fill(question);
    await chat.getByRole('button', { name: 'Start chat', exact: true }).click();
    const waiting = console_().getByRole('listitem').filter({ hasText: customer.name });
    await waitForVisible(waiting, LIVE_MS);
    await waiting.getByRole('button', { name: 'Accept', exact: true }).click();
    await waitForText(thread(), question, LIVE_MS);
    await waitForVisible(console_().getByText('Visitor online', { exact: true }).first(), LIVE_MS);
  });

  step('the visitor closes the page: the agent sees "Visitor left" at once', async () => {
    const closedAt = Date.now();
    await visitor.page.close();
    await waitForVisible(console_().getByText('Visitor left', { exact: false }).first(), LIVE_MS);
    expect(Date.now() - closedAt).toBeLessThan(LIVE_MS);
    await saveScreenshot(console_(), 'email-visitor-left');
  });

  let replyTo = '';
  step('the agent replies; unseen, it is emailed to the customer with a reply address', async () => {
    const message = console_().getByRole('textbox', { name: 'Message', exact: true });
    await message.fill(agentReply);
    await message.press('Control+Enter');
    await waitForText(thread(), agentReply, LIVE_MS);
    type Emails = { emails: { id: string; to: string; template: string }[] };
    let id = '';
    await until(async () => {
      const { emails } = await admin<Emails>(console_(), 'GET', '/emails?limit=50');
      id = emails.find((e) => e.to === customer.email && e.template === 'reply')?.id ?? '';
      return id !== '';
    }, 'the reply email in the outbox', 30_000);
    const { email } = await admin<{ email: { replyTo: string; textBody: string } }>(console_(), 'GET', `/emails/${id}`);
    expect(email.textBody).toContain(agentReply);
    expect(email.replyTo).toMatch(/^c-cv_[a-z0-9_]+-[a-z2-7]{16}@reply\.parley\.localhost$/);
    replyTo = email.replyTo;
  });

  step('the customer answers by email (MIME to /cdn-cgi/handler/email): it appears live in the thread', async () => {
    const raw = [
      `From: ${customer.name} <${customer.email}>`,
      `To: ${replyTo}`,
      'Subject: Re: Where is my refund?',
      `Message-ID: <erin-${run}@mail.example.com>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      emailAnswer,
      '',
      'On Wed, 2 Dec 2026 at 10:00, Refund desk <support@parley.test> wrote:',
      `> ${agentReply}`,
      '',
    ].join('\r\n');
    const posted = Date.now();
    const res = await fetch(`${baseUrl}/cdn-cgi/handler/email?from=${encodeURIComponent(customer.email)}&to=${encodeURIComponent(replyTo)}`, {
      method: 'POST',
      body: raw,
    });
    expect(res.status).toBeLessThan(300);
    await waitForText(thread(), emailAnswer, LIVE_MS);
    const elapsed = Date.now() - posted;
    console.log(`[email-continuity] POST to the agent's screen: ${elapsed} ms`);
    expect(await thread().textContent()).not.toContain(`> ${agentReply}`);
    await saveScreenshot(console_(), 'email-reply-in-thread');
  });

  step('the agent opens the original email under the reply: the whole text, quoted history included', async () => {
    const original = thread().locator('parley-original-email').last();
    await waitForVisible(original.getByText('Original email', { exact: true })).then((s) => s.click());
    const text = await waitForText(original.locator('pre'), `> ${agentReply}`, LIVE_MS);
    expect(text).toContain(emailAnswer);
    await saveScreenshot(console_(), 'email-original');
    await expectAccessible(console_());
  });

  step('the visitor comes back: the widget shows the email answer too', async () => {
    const page = await visitor.context.newPage();
    visitor.page = page;
    await page.goto(pageUrl);
    const chat = widget(page);
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForText(chat.getByRole('log'), emailAnswer, LIVE_MS);
    await waitForText(chat.getByRole('log'), agentReply, LIVE_MS);
    await waitForVisible(console_().getByText('Visitor online', { exact: true }).first(), LIVE_MS);
    await saveScreenshot(page, 'email-widget-back');
  });

  step('on a follow-up channel, an email after the end starts a linked conversation the agent reaches in one click', async () => {
    type Channel = { id: string; key: string; name: string; allowedOrigins: string[]; config: Record<string, unknown> };
    const { channels } = await admin<{ channels: Channel[] }>(console_(), 'GET', '/channels');
    const channel = channels.find((c) => c.key === `email-${run}`)!;
    await admin(console_(), 'PUT', `/channels/${channel.id}`, { key: channel.key, name: channel.name, allowedOrigins: channel.allowedOrigins, config: { ...channel.config, emailAfterEnd: 'follow_up' } });
    await console_().getByRole('button', { name: 'End chat', exact: true }).click();
    await waitForText(thread(), 'Chat ended by', LIVE_MS);
    const later = `One more thing about the refund (${run})`;
    const raw = [`From: ${customer.name} <${customer.email}>`, `To: ${replyTo}`, 'Subject: Re: Where is my refund?', `Message-ID: <erin-later-${run}@mail.example.com>`, 'Content-Type: text/plain; charset=utf-8', '', later, ''].join('\r\n');
    const res = await fetch(`${baseUrl}/cdn-cgi/handler/email?from=${encodeURIComponent(customer.email)}&to=${encodeURIComponent(replyTo)}`, { method: 'POST', body: raw });
    expect(res.status).toBeLessThan(300);
    // The ended thread links to its follow-up once the detail is read again.
    await until(async () => {
      await console_().reload();
      await waitForText(thread(), emailAnswer, LIVE_MS);
      return (await console_().getByText('Continued in', { exact: false }).count()) > 0;
    }, 'the follow-up link in the ended thread', 30_000);
    await console_().locator('parley-thread header').getByRole('link', { name: /^Follow-up: / }).click();
    await waitForText(thread(), later, LIVE_MS);
    await waitForVisible(console_().getByText('Follow-up of', { exact: false }), LIVE_MS);
    await saveScreenshot(console_(), 'email-follow-up');
  });
});
