// Two agents on one thread, in Chromium: each sees the other viewing and typing, live over the
// room socket; a private note with an @mention reaches the other agent (in the thread and as a
// "mention" notification) and never the visitor's widget. Screenshots at 1280x800 (Dana, laptop)
// and 390x844 (Nora, phone), and axe-core finds nothing serious on the thread.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, turnAvailable, until } from './console-agent.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const run = Date.now();
const visitorName = `Vera Notes ${run}`;
const question = `Can you refund my March invoice? (${run})`;
const nora = { name: `Nora Note ${run}`, email: `nora.${run}@parley.test`, password: 'nora-notes-password' };
const noteText = `please check the refund rules, it was paid twice (${run})`;
const reply = `We are checking your invoice now. (${run})`;

const widget = (page: Page) => page.locator('parley-chat');
const thread = (page: Page) => page.getByRole('log', { name: 'Messages' });

async function axeFindings(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target) }));
  });
}

describe.sequential('console: two agents on one thread, a private note with a mention', () => {
  let visitor: BrowserSession;
  let dana: BrowserSession;
  let other: BrowserSession;
  let conversationId = '';
  let failedStep: string | undefined;

  beforeAll(async () => {
    visitor = await launchBrowser();
    dana = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    other = await launchBrowser({ viewport: { width: 390, height: 844 } });
  });

  afterAll(async () => {
    await Promise.all([visitor?.close(), dana?.close(), other?.close()]);
  });

  function step(name: string, body: () => Promise<void>): void {
    test(name, async (context) => {
      if (failedStep) context.skip(`skipped: earlier step failed (${failedStep})`);
      try {
        await body();
      } catch (error) {
        failedStep = name;
        for (const [who, session] of [['visitor', visitor], ['dana', dana], ['nora', other]] as const) {
          const shot = await saveScreenshot(session.page, `FAILED-notes-${name}-${who}`).catch(() => '(none)');
          if (error instanceof Error) error.message += `\n${who}: ${shot}\n  ${session.problems.slice(-10).join('\n  ')}`;
        }
        throw error;
      }
    });
  }

  step('Dana signs in, adds Nora as an agent, and accepts a visitor\'s chat', async () => {
    await signInToConsole(dana.page, baseUrl, DEMO_ADMIN);
    const created = await dana.page.evaluate(async (n) => {
      const res = await fetch('/api/console/admin/agents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...n, role: 'agent' }) });
      return res.status;
    }, nora);
    expect(created).toBe(201);
    // The console reads the workspace's agents when it starts: the reload brings Nora into the @ list.
    await dana.page.reload();
    await turnAvailable(dana.page);

    await visitor.page.goto(`${baseUrl}/`);
    const chat = widget(visitor.page);
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(chat.getByRole('textbox', { name: 'Name', exact: true })).then((t) => t.fill(visitorName));
    await chat.getByRole('textbox', { name: 'Email', exact: true }).fill(`vera.notes.${run}@example.com`);
    await chat.getByRole('textbox', { name: 'Message', exact: true }).fill(question);
    await chat.getByRole('button', { name: 'Start chat', exact: true }).click();
    const waiting = dana.page.getByRole('listitem').filter({ hasText: visitorName });
    await waitForVisible(waiting.getByRole('button', { name: 'Accept', exact: true }), LIVE_MS).then((b) => b.click());
    await waitForText(thread(dana.page), question, LIVE_MS);
    await until(async () => (conversationId = new URLSearchParams((await dana.page.evaluate(() => location.hash)).slice(1)).get('c') ?? '') !== '', 'the thread in the address');
  });

  step('Nora opens the same thread on her phone: each sees the other viewing', async () => {
    await signInToConsole(other.page, baseUrl, nora);
    await other.page.goto(`${baseUrl}/console#c=${encodeURIComponent(conversationId)}`);
    await waitForText(thread(other.page), question, LIVE_MS);
    await waitForVisible(other.page.getByText('Also viewing: Dana Demo'), LIVE_MS);
    await waitForVisible(dana.page.getByText(`Also viewing: ${nora.name}`), LIVE_MS);
  });

  step('Nora types a reply: Dana sees it live, the visitor does not (Dana is responsible)', async () => {
    await other.page.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('I can take this', { delay: 20 });
    await waitForVisible(dana.page.getByText(`${nora.name} is typing a reply…`), LIVE_MS);
    await visitor.page.waitForTimeout(500);
    expect(await widget(visitor.page).getByText(`${nora.name}`).count()).toBe(0);
  });

  step('Dana answers meanwhile and is told that Nora was typing too', async () => {
    const box = dana.page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill(reply);
    await box.press('Control+Enter');
    await waitForText(dana.page.getByRole('status').first(), 'was typing a reply too', LIVE_MS);
    await waitForText(widget(visitor.page).getByRole('log'), reply, LIVE_MS);
    await other.page.getByRole('textbox', { name: 'Message', exact: true }).fill('');
  });

  step('Dana writes a private note, picking Nora from the @ list', async () => {
    await dana.page.getByRole('switch', { name: 'Private note' }).check();
    const box = dana.page.getByRole('textbox', { name: 'Message', exact: true });
    await box.pressSequentially('@Nora', { delay: 20 });
    const option = dana.page.getByRole('listbox', { name: 'Mention an agent' }).getByText(nora.name);
    await waitForVisible(option, LIVE_MS);
    await saveScreenshot(dana.page, 'console-note-mention-1280');
    await box.press('Enter');
    await box.pressSequentially(noteText);
    expect(await box.inputValue()).toBe(`@${nora.name} ${noteText}`);
    await waitForVisible(other.page.getByText(`Dana Demo is writing a note…`), LIVE_MS);
    await box.press('Control+Enter');
    const note = thread(dana.page).locator('.msg.note').filter({ hasText: noteText });
    await waitForVisible(note, LIVE_MS);
    // The label is upper-cased by CSS, which innerText follows; the words themselves are these.
    expect(await note.textContent()).toContain('Private note');
  });

  step('the note reaches Nora, live and as a mention notification, and never the visitor', async () => {
    const note = thread(other.page).locator('.msg.note').filter({ hasText: noteText });
    await waitForVisible(note, LIVE_MS);
    await waitForText(note, `@${nora.name}`);
    await until(async () => {
      const list = await other.page.evaluate(async () => (await (await fetch('/api/console/notifications')).json()) as { notifications: { conversationId: string; kind: string; preview: string }[] });
      return list.notifications.some((n) => n.conversationId === conversationId && n.kind === 'mention' && n.preview.includes('refund rules'));
    }, 'a mention notification for Nora');
    // The widget has the public reply, live, and no trace of the note (its resume leaves notes out: workers tests).
    await waitForText(widget(visitor.page).getByRole('log'), reply, LIVE_MS);
    expect(await widget(visitor.page).getByText('refund rules').count()).toBe(0);
    expect(await widget(visitor.page).getByText('Private note').count()).toBe(0);
  });

  step('screenshots of both agents, and axe finds nothing serious on the thread', async () => {
    await saveScreenshot(dana.page, 'console-notes-1280');
    await saveScreenshot(other.page, 'console-notes-390');
    await saveScreenshot(visitor.page, 'console-notes-visitor');
    expect(await axeFindings(dana.page)).toEqual([]);
    expect(await axeFindings(other.page)).toEqual([]);
  });
});
