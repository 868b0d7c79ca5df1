// The walking skeleton, end to end in real browsers: an agent signs in and says they are available,
// a visitor starts a chat in the widget on the demo page, the agent accepts it from the queue and
// answers, both see each other's messages live, and the visitor's conversation survives a reload.
// Only accessible names are used to find things.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import {
  launchBrowser,
  saveScreenshot,
  waitForHidden,
  waitForText,
  waitForTexts,
  waitForVisible,
  type BrowserSession,
} from './browser.js';
import { signInToConsole, turnAvailable } from './console-agent.js';

const baseUrl = inject('baseUrl');

const DEMO_AGENT = { email: 'demo@parley.test', password: 'parley-demo' };
const LIVE_MS = 15_000; // a message should reach the other side well within this
const INBOX_MS = 30_000; // the inbox refreshes; a new conversation shows up within this

const run = Date.now();
const visitorName = `Visitor ${run}`;
const visitorEmail = `visitor.${run}@example.com`;
const question = `Hello, where do I upload my receipts for March? (${run})`;
const agentReply = `Hi ${visitorName}, use the Documents tab in the portal. (${run})`;
const visitorReply = `Found it, thank you! (${run})`;

// Widget controls live in <parley-chat>'s open shadow root; role locators pierce it.
const widget = (page: Page) => page.locator('parley-chat');

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await waitForVisible(page.getByRole('textbox', { name: 'Email', exact: true })).then((l) => l.fill(email));
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe.sequential('walking skeleton: visitor ↔ agent', () => {
  let visitor: BrowserSession;
  let agent: BrowserSession;
  let failedStep: string | undefined;

  beforeAll(async () => {
    visitor = await launchBrowser();
    agent = await launchBrowser();
  });

  afterAll(async () => {
    await visitor?.close();
    await agent?.close();
  });

  /** A step of the journey; later steps are skipped once one fails, and failures get screenshots. */
  function step(name: string, body: () => Promise<void>, timeout?: number): void {
    test(
      name,
      async (context) => {
        if (failedStep) context.skip(`skipped: earlier step failed (${failedStep})`);
        try {
          await body();
        } catch (error) {
          failedStep = name;
          const notes: string[] = [];
          for (const [who, session] of [
            ['visitor', visitor],
            ['agent', agent],
          ] as const) {
            if (!session) continue;
            const shot = await saveScreenshot(session.page, `FAILED-${name}-${who}`).catch((e: Error) => `(no screenshot: ${e.message})`);
            notes.push(`${who} page ${session.page.url()} screenshot: ${shot}`);
            if (session.problems.length) notes.push(`${who} browser problems:\n  ${session.problems.slice(-20).join('\n  ')}`);
          }
          if (error instanceof Error) error.message += `\n\n${notes.join('\n')}`;
          throw error;
        }
      },
      timeout,
    );
  }

  step('agent signs in and turns "Available for chat" on', async () => {
    await signInToConsole(agent.page, baseUrl, DEMO_AGENT);
    await turnAvailable(agent.page);
  });

  step('visitor opens the widget and starts a chat with a first question', async () => {
    const page = visitor.page;
    const response = await page.goto(`${baseUrl}/`);
    expect(response?.status()).toBe(200);
    const chat = widget(page);

    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(chat.getByRole('textbox', { name: 'Name', exact: true })).then((t) => t.fill(visitorName));
    await chat.getByRole('textbox', { name: 'Email', exact: true }).fill(visitorEmail);
    await chat.getByRole('textbox', { name: 'Message', exact: true }).fill(question);
    await saveScreenshot(page, 'visitor-widget-prechat');
    await chat.getByRole('button', { name: 'Start chat', exact: true }).click();

    await waitForText(chat.getByRole('log'), question, LIVE_MS);
    await saveScreenshot(page, 'visitor-widget-open');
  });

  step('agent accepts the chat from the queue; the thread opens', async () => {
    const page = agent.page;
    const waiting = page.getByRole('listitem').filter({ hasText: visitorName });
    await waitForVisible(waiting, LIVE_MS);
    await saveScreenshot(page, 'agent-console-queue');
    await waiting.getByRole('button', { name: 'Accept', exact: true }).click();

    await waitForText(page.getByRole('log'), question, LIVE_MS);
    const conversation = page.getByRole('button', { name: visitorName }).first();
    await waitForVisible(conversation, INBOX_MS);
    await saveScreenshot(page, 'agent-console-inbox');
  });

  step('agent replies; the reply reaches the visitor live', async () => {
    const page = agent.page;
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(agentReply);
    await page.getByRole('button', { name: 'Send', exact: true }).click();

    await waitForTexts(page.getByRole('log'), [question, agentReply], { timeout: LIVE_MS });
    await waitForTexts(widget(visitor.page).getByRole('log'), [question, agentReply], { timeout: LIVE_MS });
    await saveScreenshot(visitor.page, 'visitor-widget-chat');
  });

  step('visitor answers with Enter; the answer reaches the agent live', async () => {
    const chat = widget(visitor.page);
    const message = chat.getByRole('textbox', { name: 'Message', exact: true });
    await message.fill(visitorReply);
    await message.press('Enter');

    await waitForTexts(chat.getByRole('log'), [question, agentReply, visitorReply], { timeout: LIVE_MS });
    await waitForTexts(agent.page.getByRole('log'), [question, agentReply, visitorReply], { timeout: LIVE_MS });
    await saveScreenshot(agent.page, 'agent-console-thread');
  });

  step('after a reload the visitor returns to the same conversation', async () => {
    const page = visitor.page;
    await page.reload();
    const chat = widget(page);
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());

    await waitForTexts(chat.getByRole('log'), [question, agentReply, visitorReply], { timeout: LIVE_MS });
    // The pre-chat form is not shown again.
    expect(await chat.getByRole('textbox', { name: 'Name', exact: true }).count()).toBe(0);
    expect(await chat.getByRole('button', { name: 'Start chat', exact: true }).count()).toBe(0);
    await saveScreenshot(page, 'visitor-widget-after-reload');
  });
});

describe('console sign-in', () => {
  let session: BrowserSession | undefined;

  afterAll(async () => {
    await session?.close();
  });

  test('a wrong password shows an error and does not sign in', async () => {
    session = await launchBrowser();
    const page = session.page;
    try {
      await signIn(page, DEMO_AGENT.email, 'not-the-password');

      const alert = page.getByRole('alert').filter({ hasText: /\S/ }).first();
      await waitForVisible(alert);
      expect((await alert.innerText()).trim().length).toBeGreaterThan(0);
      await saveScreenshot(page, 'console-wrong-password');

      // Still on the sign-in form, and still signed out after a reload.
      await waitForVisible(page.getByRole('button', { name: 'Sign in', exact: true }));
      await page.reload();
      await waitForVisible(page.getByRole('button', { name: 'Sign in', exact: true }));
      await waitForVisible(page.getByLabel('Password', { exact: true }));
    } catch (error) {
      const shot = await saveScreenshot(page, 'FAILED-console-wrong-password').catch((e: Error) => `(no screenshot: ${e.message})`);
      if (error instanceof Error) {
        error.message += `\n\nconsole page ${page.url()} screenshot: ${shot}`;
        if (session.problems.length) error.message += `\nbrowser problems:\n  ${session.problems.slice(-20).join('\n  ')}`;
      }
      throw error;
    }
  });
});
