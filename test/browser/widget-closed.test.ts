// Closed: outside opening hours (in the channel's own time zone) or with nobody available, the
// widget says so with the opening hours, and a channel with ticket submission takes the question
// and shows the ticket number.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { launchBrowser, saveScreenshot, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { AgentDriver } from './host-agent.js';
import { journey, ownAddress, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
const run = Date.now();
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A weekday that is not yesterday, today or tomorrow in the time zone: the channel is surely closed now. */
function farWeekday(timeZone: string): number {
  const today = WEEKDAYS.indexOf(
    new Intl.DateTimeFormat('en', { weekday: 'short', timeZone }).format(new Date()).toLowerCase() as (typeof WEEKDAYS)[number],
  );
  return (today + 3) % 7;
}

describe.sequential('the closed widget and the ticket form', () => {
  let host: HostServer;
  let visitor: BrowserSession;
  let admin: AgentDriver;
  const step = journey('closed', () => ({ visitor }));
  const chat = () => widget(visitor.page);
  const open = async (path: string, channel: string) => {
    await visitor.page.goto(host.embed(path, { parleyOrigin: baseUrl, attributes: { channel } }));
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
  };

  beforeAll(async () => {
    host = await startHostServer();
    admin = await AgentDriver.signIn(baseUrl);
    visitor = await launchBrowser();
    await ownAddress(visitor.page);
  });

  afterAll(async () => {
    admin?.close();
    await visitor?.close();
    await host?.close();
  });

  step('outside opening hours the widget says it is closed and shows the hours', async () => {
    await open('/closed', 'demo-closed');
    await waitForVisible(chat().getByText("Sorry, we're closed.", { exact: true }));
    await waitForVisible(chat().getByRole('table', { name: 'Opening hours' }));
    const row = chat().getByRole('row', { name: 'Monday – Sunday Closed' });
    await waitForVisible(row);
    await waitForVisible(chat().getByText('Time zone: Eastern European Time.'));
    expect(await chat().getByRole('button', { name: 'Start chat' }).count()).toBe(0);
  });

  step('with ticket submission on, the visitor leaves a question and is shown the ticket number', async () => {
    const email = `tilda.${run}@example.com`;
    await chat().getByRole('textbox', { name: 'Name', exact: true }).fill(`Tilda Ticket ${run}`);
    await chat().getByRole('textbox', { name: 'Email', exact: true }).fill(email);
    await chat().getByRole('textbox', { name: 'Message', exact: true }).fill('Please call me about my payroll run.');
    await chat().getByRole('button', { name: 'Send message', exact: true }).click();
    const receipt = chat().getByRole('status').filter({ hasText: 'Your ticket number is' });
    const text = await waitForText(receipt, 'Thank you! We received your question.', LIVE_MS);
    const reference = /Your ticket number is (T-\d+)\./.exec(text)?.[1];
    expect(reference).toBeTruthy();
    await saveScreenshot(visitor.page, 'widget-closed-ticket');

    await expect
      .poll(
        async () => {
          const { emails } = await admin.api<{ emails: { to: string; template: string }[] }>('GET', '/api/console/admin/emails?limit=100');
          return emails.some((e) => e.to === email && e.template === 'ticket_receipt');
        },
        { timeout: LIVE_MS },
      )
      .toBe(true);
  });

  step("opening hours are read in the channel's time zone and shown day by day", async () => {
    const timeZone = 'America/New_York';
    const day = farWeekday(timeZone);
    const key = `hours-${run}`;
    await admin.api('POST', '/api/console/admin/channels', {
      key,
      name: 'Opening hours test',
      allowedOrigins: [host.origin],
      config: { openingHours: { timeZone, days: { [WEEKDAYS[day]!]: [['09:00', '12:00'], ['13:00', '17:00']] } } },
    });
    await open('/hours', key);
    await waitForVisible(chat().getByText("Sorry, we're closed.", { exact: true }));
    await waitForVisible(chat().getByRole('row', { name: `${NAMES[day]} 09:00–12:00, 13:00–17:00` }));
    await waitForVisible(chat().getByText('Time zone: Eastern Time.'));
    // No ticket submission on this channel: the visitor is told to come back.
    await waitForVisible(chat().getByText('Please try again a little later.'));
    expect(await chat().getByRole('button', { name: 'Send message' }).count()).toBe(0);
    await saveScreenshot(visitor.page, 'widget-closed-hours');
  });

  step('inside opening hours with nobody available, the widget says so', async () => {
    await open('/nobody', 'demo');
    await waitForVisible(chat().getByText('Sorry, nobody is available to chat right now.', { exact: true }), LIVE_MS);
    expect(await chat().getByRole('table').count()).toBe(0);
  });

  step('an agent switching "Available for chat" on is seen when the visitor opens the widget again', async () => {
    const lobby = await admin.beAvailable('demo');
    try {
      // The public channel configuration may be a few seconds old (LIMITS.channelConfigCacheSeconds):
      // a visitor who opens the widget again after that sees the agent.
      const startChat = chat().getByRole('button', { name: 'Start chat', exact: true });
      const deadline = Date.now() + LIVE_MS;
      let seen = false;
      while (!seen && Date.now() < deadline) {
        await chat().getByRole('button', { name: 'Close chat', exact: true }).click();
        await chat().getByRole('button', { name: 'Open chat', exact: true }).click();
        seen = await waitForVisible(startChat, 1_000).then(() => true, () => false);
      }
      expect(seen, `"Start chat" within ${LIVE_MS} ms of the agent becoming available`).toBe(true);
    } finally {
      lobby.close();
    }
  });
});
