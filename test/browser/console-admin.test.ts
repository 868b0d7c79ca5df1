// Administration in Chromium: an admin signs in to the console, opens Administration, creates a
// channel and edits its opening hours, copies the embed snippet, adds a FAQ that visitors then
// find, creates an API key that is shown once and works until revoked, and reads the email outbox.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, waitForHidden, waitForText, waitForVisible, type BrowserSession } from './browser.js';

const baseUrl = inject('baseUrl');
const DEMO_ADMIN = { email: 'demo@parley.test', password: 'parley-demo' };
const run = Date.now();
const channelName = `Admin test ${run}`;
const faqQuestion = `How do I export my annual report ${run}?`;
const keyName = `Browser key ${run}`;
const ticketEmail = `ticket.${run}@example.com`;
const ticketQuestion = `Please call me about my VAT return (${run})`;

/** Scrolls Administration back to its top, so that a screenshot starts with the section's heading. */
async function scrollToTop(page: Page): Promise<void> {
  await page.locator('parley-admin').evaluate((el) => el.scrollTo(0, 0));
}

describe.sequential('Administration', () => {
  let session: BrowserSession;
  let failedStep: string | undefined;
  let createdKey = '';
  let channelKey = '';

  beforeAll(async () => {
    session = await launchBrowser({ viewport: { width: 1360, height: 900 } });
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  });

  afterAll(async () => {
    await session?.close();
  });

  function step(name: string, body: (page: Page) => Promise<void>): void {
    test(name, async (context) => {
      if (failedStep) context.skip(`skipped: earlier step failed (${failedStep})`);
      try {
        await body(session.page);
      } catch (error) {
        failedStep = name;
        const shot = await saveScreenshot(session.page, `FAILED-admin-${name}`).catch((e: Error) => `(no screenshot: ${e.message})`);
        if (error instanceof Error) {
          error.message += `\n\nscreenshot: ${shot}`;
          if (session.problems.length) error.message += `\nbrowser problems:\n  ${session.problems.slice(-20).join('\n  ')}`;
        }
        throw error;
      }
    });
  }

  const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true });

  step('an admin signs in and opens Administration', async (page) => {
    await page.goto(`${baseUrl}/console`);
    await waitForVisible(page.getByRole('textbox', { name: 'Email', exact: true })).then((l) => l.fill(DEMO_ADMIN.email));
    await page.getByLabel('Password', { exact: true }).fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForVisible(page.getByRole('button', { name: 'Sign out', exact: true }));
    await page.getByRole('link', { name: 'Administration', exact: true }).click();
    await waitForVisible(page.getByRole('heading', { name: 'Administration', exact: true }));
    expect(await tab(page, 'Channels').getAttribute('aria-selected')).toBe('true');
    await waitForVisible(page.getByRole('button', { name: /Demo support/ }).first());
  });

  step('the section tabs work with the arrow keys', async (page) => {
    await tab(page, 'Channels').focus();
    await page.keyboard.press('ArrowRight');
    expect(await tab(page, 'FAQs').getAttribute('aria-selected')).toBe('true');
    expect(await tab(page, 'FAQs').evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await page.keyboard.press('End');
    expect(await tab(page, 'Email outbox').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    expect(await tab(page, 'Channels').getAttribute('aria-selected')).toBe('true');
  });

  step('creates a channel and sets its opening hours', async (page) => {
    await page.getByRole('textbox', { name: 'Channel name', exact: true }).fill(channelName);
    channelKey = await page.getByRole('textbox', { name: 'Channel key', exact: true }).inputValue();
    expect(channelKey).toBe(`admin-test-${run}`);
    await page.getByRole('button', { name: 'Create channel', exact: true }).click();
    await waitForVisible(page.getByRole('heading', { name: channelName, exact: true }));

    await page.getByRole('checkbox', { name: 'Always open', exact: true }).uncheck();
    await page.getByRole('combobox', { name: 'Time zone', exact: true }).fill('Europe/Helsinki');
    await page.getByLabel('Monday Opens', { exact: true }).fill('08:30');
    await page.getByLabel('Monday Closes', { exact: true }).fill('16:00');
    await page.getByRole('button', { name: 'Remove Friday hours 09:00–17:00', exact: true }).click();
    await page.getByRole('spinbutton', { name: 'Idle time (minutes)', exact: true }).fill('15');
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await waitForText(page.getByRole('status').filter({ hasText: 'Saved.' }), 'Saved.');

    const { channels } = (await (await page.request.get(`${baseUrl}/api/console/admin/channels`)).json()) as {
      channels: { key: string; config: { idleMinutes: number; openingHours: { timeZone: string; days: Record<string, string[][]> } } }[];
    };
    const saved = channels.find((c) => c.key === channelKey)!;
    expect(saved.config.idleMinutes).toBe(15);
    expect(saved.config.openingHours.timeZone).toBe('Europe/Helsinki');
    expect(saved.config.openingHours.days).toEqual({
      mon: [['08:30', '16:00']],
      tue: [['09:00', '17:00']],
      wed: [['09:00', '17:00']],
      thu: [['09:00', '17:00']],
    });
    await scrollToTop(page);
    await saveScreenshot(page, 'admin-channels');
  });

  step('shows the embed snippet and copies it', async (page) => {
    const snippet = `<script type="module" src="${baseUrl}/widget.js"></script>\n<parley-chat channel="${channelKey}"></parley-chat>`;
    await waitForText(page.locator('parley-admin-embed-snippet pre'), `<parley-chat channel="${channelKey}"></parley-chat>`);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await waitForText(page.locator('parley-admin-embed-snippet').getByRole('status'), 'Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
  });

  step('a bad setting is refused with a message that names it', async (page) => {
    await page.getByRole('textbox', { name: 'Sites that may embed the widget, one per line', exact: true }).fill('https://portal.example.com/login');
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await waitForText(page.getByRole('alert').filter({ hasText: 'Allowed origins' }), 'Allowed origins: an allowed origin is scheme://host');
    await page.getByRole('textbox', { name: 'Sites that may embed the widget, one per line', exact: true }).fill('https://portal.example.com');
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await waitForText(page.getByRole('status').filter({ hasText: 'Saved.' }), 'Saved.');
  });

  step('adds a pre-chat field and overrides the Finnish greeting', async (page) => {
    await page.getByRole('button', { name: 'Add field', exact: true }).click();
    await page.getByRole('textbox', { name: 'Label', exact: true }).fill('Company');
    await page.getByRole('textbox', { name: 'Key', exact: true }).last().fill('company');
    await page.getByRole('combobox', { name: 'Type', exact: true }).selectOption('select');
    await page.getByRole('textbox', { name: 'Options, one per line', exact: true }).fill('Acme\nGlobex\n');
    await page.getByRole('checkbox', { name: 'Required', exact: true }).check();
    await page.getByRole('combobox', { name: 'Locale', exact: true }).selectOption('fi');
    await page.getByRole('button', { name: 'Add string', exact: true }).click();
    await page.getByRole('combobox', { name: 'String', exact: true }).fill('greeting');
    await page.getByRole('textbox', { name: 'Text in Finnish', exact: true }).fill('Hei! Miten voimme auttaa?');
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await waitForText(page.getByRole('status').filter({ hasText: 'Saved.' }), 'Saved.');
    await saveScreenshot(page, 'admin-channel-settings');

    const res = await page.request.get(`${baseUrl}/api/widget/channels/${channelKey}`, { headers: { origin: 'https://portal.example.com' } });
    const { channel } = (await res.json()) as { channel: { preChatFields: unknown[]; strings: unknown } };
    expect(channel.preChatFields).toEqual([{ key: 'company', label: 'Company', type: 'select', required: true, options: ['Acme', 'Globex'] }]);
    expect(channel.strings).toEqual({ fi: { greeting: 'Hei! Miten voimme auttaa?' } });
  });

  step('creates a FAQ that visitors then find', async (page) => {
    await tab(page, 'FAQs').click();
    await waitForVisible(page.getByRole('textbox', { name: 'Question', exact: true })).then((l) => l.fill(faqQuestion));
    await page.getByRole('textbox', { name: 'Answer', exact: true }).fill('Open Reports, choose the year and press Export.');
    await page.getByRole('button', { name: 'Add FAQ', exact: true }).click();
    await waitForVisible(page.getByRole('row').filter({ hasText: faqQuestion }));
    await saveScreenshot(page, 'admin-faqs');

    const res = await page.request.get(`${baseUrl}/api/widget/channels/demo/faqs?q=${encodeURIComponent(`export annual report ${run}`)}`);
    const { faqs } = (await res.json()) as { faqs: { question: string }[] };
    expect(faqs.map((f) => f.question)).toContain(faqQuestion);
  });

  step('creates an API key, shows it once, and it works on the API', async (page) => {
    await tab(page, 'API keys').click();
    await waitForVisible(page.getByRole('textbox', { name: 'Key name', exact: true })).then((l) => l.fill(keyName));
    await page.getByRole('button', { name: 'Create key', exact: true }).click();
    const shown = await waitForVisible(page.getByRole('textbox', { name: `API key for ${keyName}`, exact: true }));
    createdKey = await shown.inputValue();
    expect(createdKey).toMatch(/^parley_[A-Za-z0-9_-]{43}$/);
    await waitForVisible(page.getByText('Copy this key now: it will not be shown again.'));
    await saveScreenshot(page, 'admin-api-keys');

    const api = await page.request.get(`${baseUrl}/api/v1/conversations`, { headers: { authorization: `Bearer ${createdKey}` } });
    expect(api.status()).toBe(200);

    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await waitForHidden(page.getByRole('textbox', { name: `API key for ${keyName}`, exact: true }));
    // Shown once: neither the page nor a fresh listing holds it any more.
    await tab(page, 'Channels').click();
    await tab(page, 'API keys').click();
    await waitForVisible(page.getByRole('cell', { name: keyName, exact: true }));
    expect(await page.locator('parley-admin').evaluate((el) => el.shadowRoot!.innerHTML)).not.toContain(createdKey);
    const listing = await (await page.request.get(`${baseUrl}/api/console/admin/api-keys`)).text();
    expect(listing).not.toContain(createdKey);
  });

  step('revokes the API key: the API refuses it at once', async (page) => {
    await page.getByRole('button', { name: `Revoke ${keyName}`, exact: true }).click();
    await waitForVisible(page.getByRole('alert').filter({ hasText: 'Integrations using it stop working at once.' }));
    await page.getByRole('button', { name: `Revoke ${keyName}`, exact: true }).click();
    await waitForText(page.getByRole('status').filter({ hasText: 'revoked' }), `${keyName} revoked`);
    const api = await page.request.get(`${baseUrl}/api/v1/conversations`, { headers: { authorization: `Bearer ${createdKey}` } });
    expect(api.status()).toBe(401);
  });

  step('reads an email in the outbox', async (page) => {
    const ticket = await page.request.post(`${baseUrl}/api/widget/channels/demo-closed/tickets`, {
      headers: { origin: baseUrl },
      data: { name: 'Tiina Ticket', email: ticketEmail, question: ticketQuestion },
    });
    expect(ticket.status()).toBe(201);
    await tab(page, 'Email outbox').click();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: ticketEmail });
    await waitForVisible(row);
    await row.getByRole('button').click();
    await waitForText(page.getByRole('article'), ticketQuestion);
    await saveScreenshot(page, 'admin-outbox');
  });

  step('adds an agent and puts them in a team', async (page) => {
    const agentName = `Aino Agent ${run}`;
    await tab(page, 'Agents').click();
    await waitForVisible(page.getByRole('cell', { name: 'demo@parley.test', exact: true }));
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill(agentName);
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(`aino.${run}@example.com`);
    await page.getByLabel('Initial password', { exact: true }).fill('first day password');
    await page.getByRole('button', { name: 'Add agent', exact: true }).click();
    await waitForVisible(page.getByRole('cell', { name: `aino.${run}@example.com`, exact: true }));
    await saveScreenshot(page, 'admin-agents');

    await tab(page, 'Teams').click();
    await waitForVisible(page.getByRole('textbox', { name: 'Team name', exact: true })).then((l) => l.fill(`Payroll ${run}`));
    await page.getByRole('checkbox', { name: 'Dana Demo', exact: true }).check();
    await page.getByRole('checkbox', { name: agentName, exact: true }).check();
    await page.getByRole('button', { name: 'Create team', exact: true }).click();
    await waitForVisible(page.getByRole('cell', { name: `Payroll ${run}`, exact: true }));
    await saveScreenshot(page, 'admin-teams');
  });
});
