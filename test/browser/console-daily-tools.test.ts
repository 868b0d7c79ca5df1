// The agent's daily tools in Chromium: a saved reply inserted with `/` and its variables filled,
// an admin's new label put on a thread and filtering the inbox, and a bulk "Notify administrators"
// on two threads that leaves one email per thread in the outbox. Screenshots at 1280x800 and
// 390x844; axe-core finds nothing serious or critical.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, saveScreenshot, waitForHidden, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, turnAvailable, until } from './console-agent.js';
import { consoleFetch, expectAccessible, startThread } from './daily-tools-driver.js';

const baseUrl = inject('baseUrl');
const run = Date.now();

describe('daily tools', () => {
  const sessions: BrowserSession[] = [];
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
  });

  test('saved reply with /, labels filter the inbox, bulk Notify administrators', async () => {
    const session = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    sessions.push(session);
    const page = session.page;
    try {
      await signInToConsole(page, baseUrl, DEMO_ADMIN);
      await turnAvailable(page);
      const second = `Refund for March ${run}`;
      const first = `Payslip question ${run}`;
      await startThread(baseUrl, { name: 'Pekka Virta', email: `pekka.${run}@example.com` }, second);
      await startThread(baseUrl, { name: 'Aino Lahtinen', email: `aino.${run}@example.com` }, first);

      // Saved reply: `/greet`, Enter, and the variables are filled with the contact and the agent.
      const inbox = page.locator('parley-inbox').first();
      await inbox.getByRole('button', { name: new RegExp(first) }).click();
      const thread = page.locator('parley-thread');
      await waitForVisible(thread.getByRole('heading', { name: first }));
      const message = thread.getByRole('textbox', { name: 'Message' });
      await message.click();
      await message.pressSequentially('/greet');
      const list = thread.getByRole('listbox', { name: 'Saved replies and FAQs' });
      await waitForVisible(list.getByRole('option', { name: /Greeting/ }));
      await saveScreenshot(page, 'daily-tools-slash-1280');
      await page.keyboard.press('Enter');
      await waitForHidden(list);
      await until(async () => (await message.inputValue()).startsWith('Hello Aino Lahtinen, thanks'), 'the filled reply in the Message box');
      expect(await message.inputValue()).toContain("I'm Dana Demo");
      await message.pressSequentially(' Let me check.');
      expect(await message.inputValue()).toMatch(/I'll help you with this\. Let me check\.$/);

      // The same list from the button, with FAQs in it.
      await thread.getByRole('button', { name: 'Saved replies', exact: true }).click();
      await thread.getByRole('searchbox', { name: 'Search saved replies' }).fill('payroll');
      await waitForVisible(list.getByRole('option', { name: /When is payroll run\?/ }));
      await page.keyboard.press('Escape');
      await waitForHidden(list);

      // An admin makes a label; the agent puts it on the thread; the inbox filters by it.
      const labelName = `Refunds ${run % 100000}`;
      await page.getByRole('link', { name: 'Administration' }).click();
      await page.getByRole('tab', { name: 'Labels' }).click();
      await page.getByRole('textbox', { name: 'Label name' }).fill(labelName);
      await page.getByRole('button', { name: 'Add label', exact: true }).click();
      await waitForText(page.getByRole('status'), `Label ${labelName} added.`);
      await saveScreenshot(page, 'daily-tools-admin-labels-1280');
      await page.getByRole('link', { name: 'Inbox' }).click();
      await inbox.getByRole('button', { name: new RegExp(second) }).click();
      await waitForVisible(thread.getByRole('heading', { name: second }));
      await thread.getByRole('button', { name: 'Labels', exact: true }).click();
      await thread.getByRole('group', { name: 'Labels of this conversation' }).getByRole('checkbox', { name: labelName }).check();
      await waitForVisible(inbox.getByRole('button', { name: new RegExp(`${second}.*${labelName}`) }));
      await inbox.locator('summary', { hasText: 'Labels' }).click();
      await inbox.getByRole('group', { name: 'Filter by labels' }).getByRole('checkbox', { name: labelName }).check();
      await waitForVisible(inbox.getByRole('button', { name: `Stop filtering by ${labelName}` }));
      await until(async () => (await inbox.locator('tbody tr').count()) === 1, 'only the labelled thread in the list');
      await waitForVisible(inbox.getByRole('button', { name: new RegExp(second) }));
      await saveScreenshot(page, 'daily-tools-label-filter-1280');
      await inbox.getByRole('button', { name: `Stop filtering by ${labelName}` }).click();
      await waitForVisible(inbox.getByRole('button', { name: new RegExp(first) }));

      // A second admin, so that "Notify administrators" has someone to email.
      const adminEmail = `olli.${run}@parley.test`;
      const created = await consoleFetch(page, '/api/console/admin/agents', {
        method: 'POST',
        json: { name: 'Olli Admin', email: adminEmail, role: 'admin', password: 'olli-admin-password-1' },
      });
      expect(created.status).toBe(201);

      // Tick the first thread, shift-click the second: both selected; notify the administrators about both.
      await inbox.getByRole('checkbox', { name: `Select ${first}` }).check();
      await inbox.getByRole('checkbox', { name: `Select ${second}` }).click({ modifiers: ['Shift'] });
      const bar = inbox.getByRole('toolbar', { name: 'Selected conversations' });
      await waitForText(bar, '2 selected');
      await bar.getByRole('button', { name: 'Notify administrators', exact: true }).click();
      const dialog = inbox.getByRole('dialog', { name: /Notify administrators about 2 conversations/ });
      await dialog.getByRole('textbox', { name: /Note/ }).fill('Both need a partner to sign off.');
      await saveScreenshot(page, 'daily-tools-bulk-dialog-1280');
      await dialog.getByRole('button', { name: 'Perform action' }).click();
      await waitForText(inbox.getByRole('status'), '2 of 2 sent to administrators.');
      await saveScreenshot(page, 'daily-tools-bulk-done-1280');

      const outbox = await consoleFetch<{ emails: { to: string; subject: string }[] }>(page, '/api/console/admin/emails?limit=50');
      const toOlli = outbox.body.emails.filter((e) => e.to === adminEmail);
      expect(toOlli.map((e) => e.subject).sort()).toEqual([`Attention needed: ${first}`, `Attention needed: ${second}`].sort());
      await expectAccessible(page);

      await page.getByRole('link', { name: 'Administration' }).click();
      await page.getByRole('tab', { name: 'Email outbox' }).click();
      await waitForVisible(page.getByRole('cell', { name: adminEmail }).first());
      await saveScreenshot(page, 'daily-tools-outbox-1280');
    } catch (error) {
      const shot = await saveScreenshot(page, 'FAILED-daily-tools').catch(() => '(none)');
      if (error instanceof Error) error.message += `\nscreenshot: ${shot}\n  ${session.problems.slice(-10).join('\n  ')}`;
      throw error;
    }
  });

  test('on a phone: the bulk bar and the saved replies list fit', async () => {
    const session = await launchBrowser({ viewport: { width: 390, height: 844 } });
    sessions.push(session);
    const page = session.page;
    try {
      await signInToConsole(page, baseUrl, DEMO_ADMIN);
      const inbox = page.locator('parley-inbox').first();
      await inbox.getByRole('button', { name: 'All', exact: true }).click();
      // Ticking before the All list has replaced the Active one would tick rows that then leave the page.
      const toolbar = inbox.getByRole('toolbar', { name: 'Selected conversations' });
      await until(async () => {
        const all = inbox.getByRole('checkbox', { name: 'Select all on this page' });
        await all.uncheck();
        await all.check();
        return (await toolbar.count()) > 0 && (await inbox.locator('tbody input[type="checkbox"]:checked').count()) > 0;
      }, 'the bulk bar for the rows on the page');
      await waitForVisible(toolbar);
      await saveScreenshot(page, 'daily-tools-bulk-390');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Menu', exact: true }).click();
      await page.getByRole('link', { name: 'Saved replies' }).click();
      await waitForVisible(page.getByRole('heading', { name: 'Saved replies', level: 1 }));
      await waitForVisible(page.getByText('/greeting'));
      await saveScreenshot(page, 'daily-tools-saved-replies-390');
      await expectAccessible(page);
    } catch (error) {
      const shot = await saveScreenshot(page, 'FAILED-daily-tools-phone').catch(() => '(none)');
      if (error instanceof Error) error.message += `\nscreenshot: ${shot}\n  ${session.problems.slice(-10).join('\n  ')}`;
      throw error;
    }
  });
});
