// The console's keyboard layer in Chromium: `?` lists the shortcuts, and each listed one does what
// its visible control does (j/k/Enter, r, n, l, a, /, e, w); none fires while the agent types in a field.
// Screenshots at 1280x800 and 390x844; axe-core finds nothing serious or critical with the sheet open.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, saveScreenshot, waitForHidden, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, turnAvailable, until } from './console-agent.js';
import { expectAccessible, startThread } from './daily-tools-driver.js';

const baseUrl = inject('baseUrl');
const run = Date.now();

/** What has the focus, through the shadow roots: its accessible label or its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return '';
    return el.getAttribute('aria-label') || (el as HTMLElement).innerText?.replace(/\s+/g, ' ').trim() || el.tagName;
  });

/** Which row of the inbox has the focus (its index), or -1: rows may reorder as the list refreshes, their places do not. */
const focusedRow = (page: Page) =>
  page.evaluate(() => {
    const inbox = document.querySelector('parley-console')?.shadowRoot?.querySelector('parley-inbox');
    const buttons = [...(inbox?.shadowRoot?.querySelectorAll('td.subject button') ?? [])];
    return buttons.indexOf(inbox?.shadowRoot?.activeElement as Element);
  });

const blur = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    (el as HTMLElement | null)?.blur();
  });

describe('keyboard shortcuts', () => {
  const sessions: BrowserSession[] = [];
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
  });

  test('? lists them and each one works', async () => {
    const session = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    sessions.push(session);
    const page = session.page;
    try {
      await signInToConsole(page, baseUrl, DEMO_ADMIN);
      await turnAvailable(page);
      const subjects = [`Keyboard one ${run}`, `Keyboard two ${run}`];
      for (const [i, subject] of subjects.entries()) await startThread(baseUrl, { name: `Kim ${i}`, email: `kim${i}.${run}@example.com` }, subject);
      const inbox = page.locator('parley-inbox').first();
      await waitForVisible(inbox.getByRole('button', { name: new RegExp(subjects[1]!) }));

      await page.keyboard.press('?');
      const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await waitForVisible(sheet);
      const keys = await sheet.locator('kbd').allInnerTexts();
      expect(keys).toEqual(['j', 'k', 'Enter', 'r', 'n', 'e', 'l', 'a', '/', 'w', '?']);
      await saveScreenshot(page, 'keyboard-sheet-1280');
      await expectAccessible(page);
      await page.keyboard.press('Escape');
      await waitForHidden(sheet);

      // w: accepts the first waiting chat, as its Accept button does.
      const queue = page.locator('parley-queue');
      const firstWaiting = (await queue.locator('li .subject').first().innerText()).trim();
      await page.keyboard.press('w');
      const thread = page.locator('parley-thread');
      await waitForVisible(thread.getByRole('heading', { name: firstWaiting }));
      await waitForText(thread.locator('header'), 'Live chat');

      // /: the search box; typed letters stay text there.
      await blur(page);
      await page.keyboard.press('/');
      await until(async () => (await focused(page)) === 'Search', 'the search box to have the focus');
      await page.keyboard.type('jk');
      expect(await inbox.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('jk');
      await inbox.getByRole('searchbox', { name: 'Search' }).fill('');
      await blur(page);

      // j, k and Enter: through the list, then open.
      // k from the open thread lands on the row above it (or the first); j then goes one down, k back up.
      await page.keyboard.press('k');
      await until(async () => (await focusedRow(page)) >= 0, 'a row to have the focus');
      const firstRow = await focusedRow(page);
      await page.keyboard.press('j');
      await until(async () => (await focusedRow(page)) === firstRow + 1, 'the next row to have the focus');
      await page.keyboard.press('k');
      await until(async () => (await focusedRow(page)) === firstRow, 'the previous row to have the focus');
      await page.keyboard.press('j');
      // The list refreshes itself every few seconds and may reorder: Enter opens the row focused now.
      const target = await focused(page);
      await page.keyboard.press('Enter');
      const opened = await thread.getByRole('heading', { level: 2 }).first();
      await until(async () => target.includes((await opened.innerText()).trim()), `the thread of "${target}" to open`);

      // r: the reply box; letters typed there are text, not shortcuts.
      await blur(page);
      await page.keyboard.press('r');
      await until(async () => (await focused(page)) === 'Message', 'the Message box to have the focus');
      await page.keyboard.type('e l a');
      expect(await thread.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('e l a');
      await thread.getByRole('textbox', { name: 'Message' }).fill('');
      await blur(page);

      // n: the same box as a private note (the Private note switch on); r turns it back to a reply.
      const noteSwitch = thread.getByRole('switch', { name: 'Private note' });
      await page.keyboard.press('n');
      await until(async () => (await noteSwitch.isChecked()) && (await focused(page)) === 'Message', 'note mode with the focus in the box');
      await blur(page);
      await page.keyboard.press('r');
      await until(async () => !(await noteSwitch.isChecked()), 'reply mode again');
      await blur(page);

      // l: the thread's labels; a: the responsible agent.
      await page.keyboard.press('l');
      await waitForVisible(thread.getByRole('group', { name: 'Labels of this conversation' }).getByRole('checkbox').first());
      await until(async () => (await focused(page)) === 'INPUT', 'a label box to have the focus');
      await page.keyboard.press('Escape');
      await waitForHidden(thread.getByRole('group', { name: 'Labels of this conversation' }));
      await blur(page);
      await page.keyboard.press('a');
      await until(async () => (await focused(page)).includes('Dana Demo') || (await focused(page)).includes('Nobody yet'), 'the Responsible agent box to have the focus');
      await blur(page);

      // e: archives the open thread, as Archive does.
      await page.keyboard.press('e');
      await waitForText(thread.getByRole('status'), 'Archived.');
      await waitForVisible(thread.getByRole('button', { name: 'Unarchive', exact: true }));
      await saveScreenshot(page, 'keyboard-after-archive-1280');
    } catch (error) {
      const shot = await saveScreenshot(page, 'FAILED-keyboard').catch(() => '(none)');
      if (error instanceof Error) error.message += `\nscreenshot: ${shot}\n  ${session.problems.slice(-10).join('\n  ')}`;
      throw error;
    }
  });

  test('on a phone: the sheet from the account menu', async () => {
    const session = await launchBrowser({ viewport: { width: 390, height: 844 } });
    sessions.push(session);
    const page = session.page;
    try {
      await signInToConsole(page, baseUrl, DEMO_ADMIN);
      await page.locator('summary', { hasText: 'Dana Demo' }).click();
      await page.getByRole('button', { name: /Keyboard shortcuts/ }).click();
      await waitForVisible(page.getByRole('dialog', { name: 'Keyboard shortcuts' }));
      await saveScreenshot(page, 'keyboard-sheet-390');
      await expectAccessible(page);
    } catch (error) {
      const shot = await saveScreenshot(page, 'FAILED-keyboard-phone').catch(() => '(none)');
      if (error instanceof Error) error.message += `\nscreenshot: ${shot}\n  ${session.problems.slice(-10).join('\n  ')}`;
      throw error;
    }
  });
});
