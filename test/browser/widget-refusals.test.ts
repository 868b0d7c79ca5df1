// What the visitor sees when the Worker refuses a start: a domain that takes no mail, a field it
// names, too many attempts (429 with Retry-After), and a chat that closed while the form was open.
// These answers are hard to provoke for real offline (the MX lookup is skipped without network),
// so the page's requests to the Worker are answered here with the Worker's own error shapes.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Page, Route } from 'playwright-core';
import type { PublicChannel } from '../../protocol/channel';
import { launchBrowser, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { journey, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';

const baseUrl = inject('baseUrl');

describe.sequential('refusals from the Worker, in the visitor\'s words', () => {
  let host: HostServer;
  let visitor: BrowserSession;
  let url: string;
  /** How the channel looks to the widget: the real one, made available or closed at will. */
  let channelOverride: Partial<PublicChannel> = { availability: { available: true, reason: null } };
  const step = journey('refusals', () => ({ visitor }));
  const chat = () => widget(visitor.page);

  async function answerStart(page: Page, status: number, body: unknown, headers: Record<string, string> = {}): Promise<void> {
    await page.unroute('**/api/widget/channels/demo/conversations');
    await page.route('**/api/widget/channels/demo/conversations', (route: Route) =>
      route.fulfill({
        status,
        contentType: 'application/json',
        headers: { 'Access-Control-Allow-Origin': host.origin, ...headers },
        body: JSON.stringify(body),
      }),
    );
  }

  async function fillAndStart(): Promise<void> {
    await waitForVisible(chat().getByRole('textbox', { name: 'Name', exact: true })).then((t) => t.fill('Rita Refused'));
    await chat().getByRole('textbox', { name: 'Email', exact: true }).fill('rita@nowhere.example');
    await chat().getByRole('textbox', { name: 'Message', exact: true }).fill('My salary slip is missing.');
    await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
  }

  beforeAll(async () => {
    host = await startHostServer();
    url = host.embed('/refusals', { parleyOrigin: baseUrl, attributes: { channel: 'demo' } });
    visitor = await launchBrowser();
    await visitor.page.route(`${baseUrl}/api/widget/channels/demo`, async (route) => {
      const response = await route.fetch();
      const { channel } = (await response.json()) as { channel: PublicChannel };
      await route.fulfill({ response, json: { channel: { ...channel, ...channelOverride } } });
    });
    await visitor.page.goto(url);
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
  });

  afterAll(async () => {
    await visitor?.close();
    await host?.close();
  });

  step('a domain that takes no mail is refused next to the Email field', async () => {
    await answerStart(visitor.page, 400, {
      error: { code: 'email_undeliverable', message: 'email: nowhere.example cannot receive email; check the address' },
    });
    await fillAndStart();
    const email = chat().getByRole('textbox', { name: 'Email', exact: true });
    await waitForText(chat().getByRole('alert'), 'This email address cannot receive mail. Check the part after @.');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.evaluate((input) => input.nextElementSibling?.getAttribute('role'))).toBe('alert');
  });

  step('a field the Worker names gets its message next to it', async () => {
    await answerStart(visitor.page, 400, { error: { code: 'invalid_request', message: 'fields.company: company is required' } });
    await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
    const company = chat().getByRole('textbox', { name: 'Company', exact: true });
    await expect.poll(() => company.getAttribute('aria-invalid')).toBe('true');
    expect(await company.evaluate((input) => input.nextElementSibling?.textContent)).toBe('company is required');
  });

  step('too many starts: the visitor is told when to try again', async () => {
    await answerStart(
      visitor.page,
      429,
      { error: { code: 'rate_limited', message: 'too many requests; try again in 90 seconds' } },
      { 'Retry-After': '90', 'Access-Control-Expose-Headers': 'Retry-After' },
    );
    await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
    await waitForText(chat().getByRole('alert'), 'Too many attempts. Please try again in 2 min.');
  });

  step('the chat closed while the form was open: the closed view takes over and keeps what was written', async () => {
    await answerStart(visitor.page, 409, { error: { code: 'unavailable', message: 'no agent is available now' } });
    channelOverride = { availability: { available: false, reason: 'no_agents' }, ticketSubmission: true };
    await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
    await waitForVisible(chat().getByText('Sorry, nobody is available to chat right now.', { exact: true }));
    await waitForVisible(chat().getByRole('button', { name: 'Send message', exact: true }));
    expect(await chat().getByRole('textbox', { name: 'Name', exact: true }).inputValue()).toBe('Rita Refused');
    expect(await chat().getByRole('textbox', { name: 'Email', exact: true }).inputValue()).toBe('rita@nowhere.example');
    expect(await chat().getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe('My salary slip is missing.');
  });
});
