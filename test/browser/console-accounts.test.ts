// A customer account with several contacts, in Chromium: create it, add contacts, rename it, and
// find a contact's chat in its Communication view, where the reply is shown under the contact's name.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, saveScreenshot, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, turnAvailable } from './console-agent.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const run = Date.now();

describe('accounts', () => {
  let session: BrowserSession | undefined;

  afterAll(async () => {
    await session?.close();
  });

  test("an account's contacts and its Communication view", async () => {
    session = await launchBrowser({ viewport: { width: 1400, height: 900 } });
    const page = session.page;
    try {
      await signInToConsole(page, baseUrl, DEMO_ADMIN);
      await turnAvailable(page);
      const email = `aino.${run}@firma.fi`;
      const question = `Our VAT return for Q3 (${run})`;
      // She writes in (through the integrator's API) before anyone knows her company.
      const started = await fetch(`${baseUrl}/api/v1/conversations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo-api-key' },
        body: JSON.stringify({ channel: 'demo', contact: { name: 'aino', email }, message: question }),
      });
      expect(started.status, await started.clone().text()).toBe(201);

      await page.getByRole('link', { name: 'Accounts' }).click();
      await page.getByRole('textbox', { name: 'New account name' }).fill(`Firma ${run}`);
      await page.getByRole('button', { name: 'Create account', exact: true }).click();
      await waitForVisible(page.getByRole('heading', { name: `Firma ${run}` }));

      for (const [name, address] of [
        ['Aino Lahtinen', email],
        ['Pekka Virta', `pekka.${run}@firma.fi`],
      ]) {
        await page.getByRole('textbox', { name: 'Contact name' }).fill(name!);
        await page.getByRole('textbox', { name: 'Contact email' }).fill(address!);
        await page.getByRole('button', { name: 'Add contact', exact: true }).click();
        await waitForText(page.getByRole('tabpanel', { name: 'Contacts' }), address!);
      }
      await waitForVisible(page.getByRole('tab', { name: 'Contacts (2)' }));

      await page.getByRole('button', { name: 'Rename', exact: true }).click();
      await page.getByRole('textbox', { name: 'Account name', exact: true }).fill(`Firma Oy ${run}`);
      await page.getByRole('button', { name: 'Save name', exact: true }).click();
      await waitForVisible(page.getByRole('heading', { name: `Firma Oy ${run}` }));

      await page.getByRole('tab', { name: 'Communication' }).click();
      const communication = page.getByRole('tabpanel', { name: 'Communication' });
      // She wrote first as "aino"; in her account's thread her message carries the contact's name.
      await communication.getByRole('button', { name: /Aino Lahtinen/ }).first().click();
      const log = communication.getByRole('log', { name: 'Messages' });
      await waitForText(log, question, LIVE_MS);
      await waitForText(log, 'Aino Lahtinen ·');
      await saveScreenshot(page, 'console-account-communication');
    } catch (error) {
      const shot = await saveScreenshot(page, 'FAILED-console-accounts').catch(() => '(none)');
      if (error instanceof Error) error.message += `\nscreenshot: ${shot}\n  ${session.problems.slice(-10).join('\n  ')}`;
      throw error;
    }
  });
});
