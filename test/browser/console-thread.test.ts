// An agent's day with one chat, in Chromium: the queue alerts, "Accept", replying with
// Ctrl+Enter, read ticks, a file added and deleted, the draft warning, Replied, search, print,
// the transcript email, notifying administrators, archive → reopen, end, and delete for good.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, waitForHidden, waitForText, waitForTexts, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, recordNotifications, shownNotifications, signInToConsole, turnAvailable, until } from './console-agent.js';
import { consoleFetch } from './daily-tools-driver.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const INBOX_MS = 20_000;

const run = Date.now();
const visitorName = `Vera Thread ${run}`;
const question = `How do I add my March receipts? (${run})`;
const reply = `Open Documents and choose Upload. (${run})`;
const answer = `Thanks, zebrafish-${run} found it!`;

const widget = (page: Page) => page.locator('parley-chat');

describe.sequential('console: queue → accept → reply → archive → reopen → delete', () => {
  let visitor: BrowserSession;
  let agent: BrowserSession;
  let failedStep: string | undefined;

  beforeAll(async () => {
    visitor = await launchBrowser();
    agent = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    await recordNotifications(agent.page);
    // Printing opens a system dialog that headless Chromium cannot show; count the calls instead.
    await agent.page.addInitScript(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void ((window as unknown as { printed: number }).printed += 1);
    });
  });

  afterAll(async () => {
    await visitor?.close();
    await agent?.close();
  });

  function step(name: string, body: () => Promise<void>): void {
    test(name, async (context) => {
      if (failedStep) context.skip(`skipped: earlier step failed (${failedStep})`);
      try {
        await body();
      } catch (error) {
        failedStep = name;
        for (const [who, session] of [['visitor', visitor], ['agent', agent]] as const) {
          const shot = await saveScreenshot(session.page, `FAILED-console-${name}-${who}`).catch(() => '(none)');
          if (error instanceof Error) error.message += `\n${who}: ${shot}\n  ${session.problems.slice(-10).join('\n  ')}`;
        }
        throw error;
      }
    });
  }

  const page = () => agent.page;
  const thread = () => page().getByRole('log', { name: 'Messages' });
  const row = () => page().getByRole('button', { name: visitorName });
  const status = () => page().getByRole('status');

  step('agent signs in and turns "Available for chat" on', async () => {
    await signInToConsole(page(), baseUrl, DEMO_ADMIN);
    // A second admin, so that "Notify administrators" has someone besides the sender to email.
    const created = await consoleFetch(page(), '/api/console/admin/agents', {
      method: 'POST',
      json: { name: 'Aino Admin', email: `aino.${run}@parley.test`, role: 'admin', password: 'aino-admin-password-1' },
    });
    expect(created.status).toBe(201);
    await page().reload();
    await turnAvailable(page());
  });

  step('a visitor starts a chat: the queue shows it with a badge and a browser notification', async () => {
    await visitor.page.goto(`${baseUrl}/`);
    const chat = widget(visitor.page);
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(chat.getByRole('textbox', { name: 'Name', exact: true })).then((t) => t.fill(visitorName));
    await chat.getByRole('textbox', { name: 'Email', exact: true }).fill(`vera.${run}@example.com`);
    await chat.getByRole('textbox', { name: 'Message', exact: true }).fill(question);
    await chat.getByRole('button', { name: 'Start chat', exact: true }).click();

    const waiting = page().getByRole('listitem').filter({ hasText: visitorName });
    await waitForVisible(waiting, LIVE_MS);
    const queue = page().getByRole('region', { name: /Chat queue/ });
    expect(await queue.getByRole('button', { name: 'Accept', exact: true }).count()).toBeGreaterThan(0);
    await until(async () => (await shownNotifications(page())).some((n) => n.title === `Chat waiting: ${visitorName}`), 'a browser notification');
  });

  step('"Accept" takes it: the thread opens with the question', async () => {
    await page().getByRole('listitem').filter({ hasText: visitorName }).getByRole('button', { name: 'Accept', exact: true }).click();
    await waitForText(thread(), question, LIVE_MS);
    await waitForHidden(page().getByRole('listitem').filter({ hasText: visitorName }));
    await waitForVisible(row(), INBOX_MS);
  });

  step('Ctrl+Enter sends; the visitor reads it (✓✓), types (the agent sees it) and answers live', async () => {
    const message = page().getByRole('textbox', { name: 'Message', exact: true });
    await message.fill(reply);
    await message.press('Control+Enter');
    await waitForTexts(thread(), [question, reply], { timeout: LIVE_MS });
    await waitForText(widget(visitor.page).getByRole('log'), reply, LIVE_MS);
    await waitForVisible(thread().getByLabel('Read', { exact: true }), LIVE_MS);

    const visitorBox = widget(visitor.page).getByRole('textbox', { name: 'Message', exact: true });
    await visitorBox.pressSequentially(answer.slice(0, 6));
    await waitForVisible(page().getByText(`vera.${run}@example.com is typing…`), LIVE_MS);
    await visitorBox.fill(answer);
    await visitorBox.press('Enter');
    await waitForTexts(thread(), [question, reply, answer], { timeout: LIVE_MS });
  });

  step('a file is added, shown to the visitor, listed, and deleted', async () => {
    await page().locator('parley-composer input[type="file"]').setInputFiles({
      name: `receipt-${run}.txt`,
      mimeType: 'text/plain',
      buffer: Buffer.from('Receipt: 12.50 EUR'),
    });
    await waitForText(thread(), `receipt-${run}.txt`, LIVE_MS);
    await waitForText(widget(visitor.page).getByRole('log'), `receipt-${run}.txt`, LIVE_MS);
    await page().getByText('Files (1)').click();
    await page().getByRole('button', { name: `Delete file receipt-${run}.txt` }).click();
    await waitForText(status(), 'deleted', LIVE_MS);
    await waitForText(thread(), `receipt-${run}.txt (file deleted)`, LIVE_MS);
  });

  step('leaving with an unsent draft asks first', async () => {
    const message = page().getByRole('textbox', { name: 'Message', exact: true });
    await message.fill('A reply I have not sent yet');
    const dialog = new Promise<string>((resolve) => page().once('dialog', (d) => (resolve(d.type()), void d.dismiss())));
    await page().close({ runBeforeUnload: true });
    expect(await dialog).toBe('beforeunload');
    await message.fill('');
  });

  step('the inbox shows the thread; screenshots of the inbox and the thread', async () => {
    await waitForVisible(row(), INBOX_MS);
    await until(() => page().getByRole('button', { name: 'Archive', exact: true }).isEnabled(), 'the thread to be at rest');
    await saveScreenshot(page(), 'console-inbox');
    await saveScreenshot(page(), 'console-thread');
  });

  step('Replied (answered), and the thread is found by the words of a message', async () => {
    await page().getByRole('combobox', { name: 'Status' }).last().selectOption('answered');
    await waitForText(status(), 'Marked Replied', LIVE_MS);
    await page().getByRole('searchbox', { name: 'Search' }).fill(`zebrafish-${run}`);
    // The header row and the one thread that holds the word.
    await until(async () => (await page().getByRole('table').getByRole('row').count()) === 2, 'the search to leave one thread', INBOX_MS);
    await waitForVisible(row());
    await page().getByRole('searchbox', { name: 'Search' }).fill('');
  });

  step('Print prints the thread with the print stylesheet', async () => {
    await page().getByRole('button', { name: 'Print', exact: true }).click();
    expect(await page().evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page().emulateMedia({ media: 'print' });
    try {
      await waitForHidden(page().getByRole('switch', { name: 'Available for chat' }));
      await waitForHidden(page().getByRole('button', { name: 'Send', exact: true }));
      await waitForText(thread(), answer);
      await saveScreenshot(page(), 'console-thread-print');
    } finally {
      await page().emulateMedia({ media: 'screen' });
    }
  });

  step('emails the transcript and notifies the administrators', async () => {
    await page().getByRole('button', { name: 'Email transcript', exact: true }).click();
    await waitForText(status(), `Transcript emailed to vera.${run}@example.com`, LIVE_MS);
    await page().getByRole('button', { name: 'Notify administrators', exact: true }).click();
    const dialog = page().getByRole('dialog', { name: 'Notify administrators' });
    await waitForVisible(dialog);
    await dialog.getByRole('textbox', { name: /Note/ }).fill('Please check this one');
    await dialog.getByRole('button', { name: 'Send notification', exact: true }).click();
    await waitForText(status(), 'administrator', LIVE_MS);
  });

  step('Archive moves it to Archived; Unarchive brings it back', async () => {
    await page().getByRole('button', { name: 'Archive', exact: true }).click();
    await waitForText(status(), 'Archived', LIVE_MS);
    await waitForHidden(row(), INBOX_MS);
    await page().getByRole('button', { name: 'Archived', exact: true }).click();
    await waitForVisible(row(), INBOX_MS);
    await page().getByRole('button', { name: 'Unarchive', exact: true }).click();
    await waitForText(status(), 'Unarchived', LIVE_MS);
    await waitForHidden(row(), INBOX_MS);
    await page().getByRole('button', { name: 'Active', exact: true }).click();
    await waitForVisible(row(), INBOX_MS);
  });

  step('"End chat" ends it for the visitor too', async () => {
    await page().getByRole('button', { name: 'End chat', exact: true }).click();
    await waitForText(thread(), 'Chat ended by', LIVE_MS);
    await until(() => page().getByRole('textbox', { name: 'Message', exact: true }).isDisabled(), 'the reply box to close');
    await until(async () => (await widget(visitor.page).getByRole('button', { name: 'Send feedback' }).count()) > 0, 'the visitor to see the end form', LIVE_MS);
  });

  step('"Delete" asks for confirmation, then removes the thread for good', async () => {
    await page().getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page().getByRole('dialog', { name: 'Delete this conversation?' });
    await waitForVisible(dialog);
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForHidden(dialog);
    await waitForVisible(row());

    await page().getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete permanently', exact: true }).click();
    await waitForVisible(page().getByText('Select a conversation.'), LIVE_MS);
    await page().getByRole('button', { name: 'All', exact: true }).click();
    await waitForHidden(row(), INBOX_MS);
    const res = await page().request.get(`${baseUrl}/api/console/conversations?filter=all&q=${encodeURIComponent(`zebrafish-${run}`)}`);
    expect(((await res.json()) as { conversations: unknown[] }).conversations).toEqual([]);
  });
});
