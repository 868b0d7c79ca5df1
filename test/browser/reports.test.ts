// Reports on the seeded demo (scripts/seed-history.mjs: six weeks of history): the page opens from
// the console's navigation, every tile shows the figure the API computes (the Workers tests check
// those against hand-worked answers), every chart draws and has its table, and axe finds nothing
// serious or critical, on a laptop and on a phone.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { ReportResponse } from '../../protocol/reports.js';
import { launchBrowser, saveScreenshot, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, until } from './console-agent.js';

const baseUrl = inject('baseUrl');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function openReports(page: Page): Promise<ReportResponse> {
  await signInToConsole(page, baseUrl, DEMO_ADMIN);
  const nav = page.getByRole('navigation', { name: 'Console' });
  // Below 1150 px the links sit behind the Menu button.
  const menu = nav.getByRole('button', { name: 'Menu', exact: true });
  if (await menu.isVisible()) await menu.click();
  await nav.getByRole('link', { name: 'Reports' }).click();
  await waitForVisible(page.getByRole('heading', { name: 'Reports', level: 1 }));
  await waitForVisible(page.getByRole('heading', { name: 'Comments, newest first' }));
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 27 * 86_400_000).toISOString().slice(0, 10);
  return page.evaluate(async (q) => (await fetch(`/api/console/reports?${q}`)).json(), `from=${from}&to=${to}&group=day`);
}

async function tile(page: Page, label: string): Promise<string> {
  const term = page.locator('dt', { hasText: new RegExp(`^${label}$`) });
  return (await term.locator('xpath=following-sibling::dd[1]').innerText()).split('\n')[0]!.trim();
}

const minutes = (ms: number | null) => (ms === null ? '–' : ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);
const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)} %`);

async function checkPage(page: Page, report: ReportResponse, name: string): Promise<void> {
  const t = report.totals;
  expect(t.started, 'the seeded history is in the last 28 days').toBeGreaterThan(200);
  expect(await tile(page, 'Conversations')).toBe(String(t.started));
  expect(await tile(page, 'Accepted')).toBe(String(t.accepted));
  expect(await tile(page, 'Missed')).toBe(String(t.missed));
  expect(await tile(page, 'Tickets')).toBe(String(t.tickets));
  expect(await tile(page, 'Waiting, median')).toBe(minutes(t.wait.median));
  expect(await tile(page, 'First response, median')).toBe(minutes(t.firstResponse.median));
  expect(await tile(page, 'Satisfied')).toBe(pct(t.satisfiedShare));
  expect(await tile(page, 'Average rating')).toBe(t.averageRating!.toFixed(1));

  // Four charts, each drawn on a canvas and each with its table of the same periods.
  const charts = page.locator('parley-report-chart');
  await until(async () => (await charts.count()) === 4, 'four charts');
  for (let i = 0; i < 4; i++) {
    await waitForVisible(charts.nth(i).locator('canvas'));
    await charts.nth(i).locator('summary').click();
    expect(await charts.nth(i).locator('details tbody tr').count()).toBe(report.series.length);
  }
  const volumeRows = await charts.nth(0).locator('details tbody tr').allInnerTexts();
  const last = report.series.at(-2)!;
  expect(volumeRows.at(-2)!.split('\t').slice(1).map((s) => s.trim())).toEqual([String(last.started), String(last.accepted), String(last.missed)]);
  for (let i = 0; i < 4; i++) await charts.nth(i).locator('summary').click();

  const heat = page.getByRole('table', { name: 'Conversations by weekday and hour' });
  await waitForVisible(heat);
  expect(await heat.locator('tbody tr').count()).toBe(7);
  expect(report.heatmap.reduce((sum, c) => sum + c.conversations, 0)).toBe(t.started);
  expect(await page.getByRole('link', { name: 'Conversations (CSV)' }).count()).toBe(1);

  // The page scrolls inside the console's shell, so the window grows to the page's height for a
  // screenshot of all of it, and the charts redraw at their width first.
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => {
    const root = document.querySelector('parley-console')!.shadowRoot!.querySelector('parley-reports')!;
    return root.scrollHeight + 60;
  });
  await page.setViewportSize({ width: viewport.width, height });
  await page.waitForTimeout(400);
  await saveScreenshot(page, name);
  await page.setViewportSize(viewport);
  // Evaluated over the DevTools protocol: the console's CSP (script-src 'self') rightly refuses an inline script tag.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target) }));
  });
  expect(violations).toEqual([]);
}

describe('Reports', () => {
  const sessions: BrowserSession[] = [];
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
  });

  test('on a laptop: tiles, charts with tables, heat map, agents, comments', async () => {
    const laptop = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    sessions.push(laptop);
    const report = await openReports(laptop.page);
    await checkPage(laptop.page, report, 'reports-1280');
    const agents = laptop.page.getByRole('region', { name: 'Agents' });
    expect(await agents.locator('tbody tr').count()).toBe(report.agents.length);
    const csv = await laptop.page.evaluate(async () => (await (await fetch('/api/console/reports/conversations.csv')).text()).split('\r\n')[0]);
    expect(csv).toBe('conversation_id,channel,agent,contact_name,contact_email,account,topic,labels,created_at,accepted_at,first_agent_reply_at,ended_at,ended_reason,wait_s,first_response_s,resolution_s,satisfied,rating,comment,reopened');
  });

  test('on a phone: the same page in one column', async () => {
    const phone = await launchBrowser({ viewport: { width: 390, height: 844 } });
    sessions.push(phone);
    const report = await openReports(phone.page);
    await checkPage(phone.page, report, 'reports-390');
  });
});
