// Two agents, each in their own browser, click "Accept" on the same waiting chat at the same
// moment: exactly one gets the thread, and the other is told who was first.
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, turnAvailable, until } from './console-agent.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;

const run = Date.now();
const second = { name: `Olli Race ${run}`, email: `olli.${run}@parley.test`, password: `race-password-${run}` };
const visitorName = `Rita Race ${run}`;
const question = `Both of you, please help (${run})`;

describe('the accept race', () => {
  const sessions: BrowserSession[] = [];

  afterAll(async () => {
    for (const s of sessions) await s.close();
  });

  test('two agents accept the same chat at once: one gets it, the other is told', async () => {
    const [dana, olli] = [await launchBrowser(), await launchBrowser()];
    sessions.push(dana, olli);
    try {
      await signInToConsole(dana.page, baseUrl, DEMO_ADMIN);
      // The administrator adds a colleague, as in Administration → Agents.
      const created = await dana.page.request.post(`${baseUrl}/api/console/admin/agents`, {
        data: { name: second.name, email: second.email, role: 'agent', password: second.password },
      });
      expect(created.status(), await created.text()).toBe(201);
      await signInToConsole(olli.page, baseUrl, second);
      await turnAvailable(dana.page);
      await turnAvailable(olli.page);

      // The customer writes in through the integrator's API: it waits in the queue like a widget chat.
      const started = await fetch(`${baseUrl}/api/v1/conversations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo-api-key' },
        body: JSON.stringify({ channel: 'demo', contact: { name: visitorName, email: `rita.${run}@example.com` }, message: question }),
      });
      expect(started.status, await started.clone().text()).toBe(201);

      const acceptButton = (page: Page) =>
        page.getByRole('listitem').filter({ hasText: visitorName }).getByRole('button', { name: 'Accept', exact: true });
      const buttons = await Promise.all([dana.page, olli.page].map(async (page) => (await waitForVisible(acceptButton(page), LIVE_MS)).elementHandle()));
      // Both clicks are scheduled for the same instant, before either console can hear of the other.
      const at = Date.now() + 400;
      await Promise.all(buttons.map((b) => b!.evaluate((el, when) => void setTimeout(() => (el as HTMLElement).click(), when - Date.now()), at)));

      const opened = (page: Page) => page.getByRole('log', { name: 'Messages' }).filter({ hasText: question });
      const told = (page: Page) => page.getByRole('alert').filter({ hasText: 'accepted this chat first' });
      await until(async () => (await opened(dana.page).count()) + (await opened(olli.page).count()) > 0, 'a winner', LIVE_MS);
      const danaWon = (await opened(dana.page).count()) > 0;
      const [winner, loser, winnerName] = danaWon ? [dana, olli, DEMO_ADMIN.name] : [olli, dana, second.name];

      await waitForVisible(told(loser.page), LIVE_MS);
      expect(await told(loser.page).innerText()).toContain(`${winnerName} accepted this chat first`);
      expect(await opened(loser.page).count()).toBe(0);
      expect(await acceptButton(loser.page).count()).toBe(0);
      await saveScreenshot(winner.page, 'console-race-winner');
      await saveScreenshot(loser.page, 'console-race-loser');

      // The room copies who accepted into D1 a moment later; the inbox then names the winner.
      type Row = { responsibleAgent: { name: string } | null; status: string };
      let row: Row | undefined;
      await until(async () => {
        const inbox = await loser.page.request.get(`${baseUrl}/api/console/conversations?q=${encodeURIComponent(`Both of you ${run}`)}`);
        row = ((await inbox.json()) as { conversations: Row[] }).conversations[0];
        return row?.status === 'active';
      }, 'the inbox to show the chat accepted');
      expect(row?.responsibleAgent?.name).toBe(winnerName);
    } catch (error) {
      for (const [who, s] of [['dana', dana], ['olli', olli]] as const) {
        const shot = await saveScreenshot(s.page, `FAILED-console-race-${who}`).catch(() => '(none)');
        if (error instanceof Error) error.message += `\n${who}: ${shot}\n  ${s.problems.slice(-10).join('\n  ')}`;
      }
      throw error;
    }
  });
});
