// Automatic routing in real browsers: on a channel set to `auto`, chats are offered to the
// available agents in turn without anyone pressing Accept, and an offer nobody takes moves to
// the other agent when its time runs out.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, turnAvailable, until } from './console-agent.js';

const baseUrl = inject('baseUrl');
const OFFER_SECONDS = 10;
const LIVE_MS = 15_000;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const run = Date.now();
/** Offers run out fast here (the timeout step), and slowly there (the spread, which must hold still). */
const quickKey = `routing-quick-${run}`;
const steadyKey = `routing-steady-${run}`;
const agents = [
  { name: `Aino Auto ${run}`, email: `aino.${run}@parley.test`, password: `routing-password-a-${run}` },
  { name: `Bo Auto ${run}`, email: `bo.${run}@parley.test`, password: `routing-password-b-${run}` },
];

const offers = (page: Page) => page.getByRole('alert', { name: 'Chat offered to you' });
const offerFor = (page: Page, visitor: string) => offers(page).filter({ hasText: visitor });

async function startChat(channelKey: string, visitor: string, question: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/v1/conversations`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo-api-key' },
    body: JSON.stringify({ channel: channelKey, contact: { name: visitor, email: `${visitor.split(' ')[0]!.toLowerCase()}.${run}@example.com` }, message: question }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

async function expectNoSeriousAxeFindings(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target) }));
  });
  expect(violations).toEqual([]);
}

describe('automatic routing', () => {
  const sessions: BrowserSession[] = [];
  afterAll(async () => {
    for (const s of sessions) await s.close();
  });

  test('offers move on a timeout, and four chats are spread two and two without Accept', async () => {
    const admin = await launchBrowser();
    sessions.push(admin);
    await signInToConsole(admin.page, baseUrl, DEMO_ADMIN);
    // A channel of its own, so that no other test's agent is offered these chats.
    for (const [key, offerSeconds] of [
      [quickKey, OFFER_SECONDS],
      [steadyKey, 600],
    ] as const) {
      const channel = await admin.page.request.post(`${baseUrl}/api/console/admin/channels`, {
        data: { key, name: `Routing ${key}`, config: { routing: { mode: 'auto', offerSeconds } } },
      });
      expect(channel.status(), await channel.text()).toBe(201);
    }
    for (const a of agents) {
      const created = await admin.page.request.post(`${baseUrl}/api/console/admin/agents`, { data: { ...a, role: 'agent' } });
      expect(created.status(), await created.text()).toBe(201);
    }
    await admin.close();

    const [aino, bo] = [await launchBrowser(), await launchBrowser({ viewport: { width: 390, height: 844 } })];
    sessions.push(aino, bo);
    const pages = [aino.page, bo.page];
    try {
      for (const [i, page] of pages.entries()) {
        await signInToConsole(page, baseUrl, agents[i]!);
        await turnAvailable(page);
      }

      // One chat nobody takes: offered to one agent, then, when its time is up, to the other.
      await startChat(quickKey, `Tuuli Timeout ${run}`, `Is anyone there? (${run})`);
      const first = await Promise.race(pages.map(async (p) => (await waitForVisible(offerFor(p, 'Tuuli Timeout'), LIVE_MS), p)));
      const other = first === aino.page ? bo.page : aino.page;
      expect(await offerFor(other, 'Tuuli Timeout').count()).toBe(0);
      await saveScreenshot(first, first === aino.page ? 'console-routing-offer-1280' : 'console-routing-offer-390');
      await expectNoSeriousAxeFindings(first);
      const movedAt = Date.now();
      await waitForVisible(offerFor(other, 'Tuuli Timeout'), (OFFER_SECONDS + 8) * 1000);
      expect(Date.now() - movedAt).toBeLessThan((OFFER_SECONDS + 8) * 1000);
      await until(async () => (await offerFor(first, 'Tuuli Timeout').count()) === 0, 'the first offer to go');
      await offerFor(other, 'Tuuli Timeout').getByRole('button', { name: 'Accept', exact: true }).click();
      await until(async () => (await offerFor(other, 'Tuuli Timeout').count()) === 0, 'the accepted offer to go');
      // Accepting opens the thread; on a phone that is the one pane, so the agent goes back to the list.
      const back = other.getByRole('button', { name: '← Conversations' });
      await until(async () => (await other.getByText('Load 1 of 3').count()) > 0 || (await back.isVisible()), 'the chat to open', LIVE_MS);
      if (await back.isVisible()) await back.click();
      await waitForVisible(other.getByText('Load 1 of 3'), LIVE_MS);

      // Four visitors: nobody presses anything, and each agent is offered two.
      for (let i = 1; i <= 4; i++) await startChat(steadyKey, `Visitor${i} Spread ${run}`, `Question ${i} (${run})`);
      for (const page of pages) await until(async () => (await offers(page).count()) === 2, 'two offers each', LIVE_MS);
      const names = await Promise.all(pages.map((p) => offers(p).allInnerTexts()));
      const spread = names.map((texts) => texts.map((t) => /Visitor(\d)/.exec(t)![1]).sort());
      expect(spread.flat().sort()).toEqual(['1', '2', '3', '4']);
      expect(spread.map((s) => s.length)).toEqual([2, 2]);
      await saveScreenshot(aino.page, 'console-routing-spread-1280');
      await saveScreenshot(bo.page, 'console-routing-spread-390');
      await expectNoSeriousAxeFindings(bo.page);
    } catch (error) {
      for (const [who, s] of [['aino', aino], ['bo', bo]] as const) {
        const shot = await saveScreenshot(s.page, `FAILED-console-routing-${who}`).catch(() => '(none)');
        if (error instanceof Error) error.message += `\n${who}: ${shot}\n  ${s.problems.slice(-10).join('\n  ')}`;
      }
      throw error;
    }
    // Two consoles, an offer left to run out, and six chats: well past the default on a busy machine.
  }, 180_000);
});
