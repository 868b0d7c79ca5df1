// The agent's context panel, end to end: a customer signed in on a host page of another origin
// (strict CSP, hostile CSS) whose server minted a `user-token` with attributes starts a chat; the
// agent sees those attributes marked verified, the page's own `attributes` marked unverified, and
// where the visitor is, live: an SPA navigation (history.pushState) on the host page changes "on
// page" in the panel without a reload. Screenshots at 1280x800 and 390x844; axe on the panel.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, waitForText, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole, turnAvailable } from './console-agent.js';
import { cspViolations, journey, ownAddress, watchCsp, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 15_000;
/** The seeded demo channel's identity secret (scripts/seed-local.mjs). */
const DEMO_IDENTITY_SECRET = 'parley-demo-identity-secret';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const run = Date.now();
const customer = { id: `cust-${run}`, name: `Ville Verified ${run}`, email: `ville.${run}@example.com` };
const question = `Why is my March invoice higher than February's? (${run})`;

/** What the host platform's server does for a signed-in customer (README, "Signed context"). */
function mintUserToken(secret: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    sub: customer.id,
    email: customer.email,
    name: customer.name,
    exp: Math.floor(Date.now() / 1000) + 600,
    account_id: `acct-${run}`,
    account_name: `Virtanen Oy ${run}`,
    request_id: `REQ-${run}`,
    attributes: { plan: 'pro', seats: 12 },
  })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

// The panel's text lives in its shadow root; the host element's own innerText is empty.
const panel = (page: Page) => page.locator('parley-context-panel').locator('details');

async function panelAxeFindings(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string; nodes: { target: unknown }[] }[] };
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<Result> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => JSON.stringify(n.target)).filter((t) => t.includes('parley-context-panel')) }))
      .filter((v) => v.nodes.length > 0 && (v.impact === 'serious' || v.impact === 'critical'));
  });
}

describe.sequential('console: the context panel shows a signed customer and follows their pages live', () => {
  let host: HostServer;
  let visitor: BrowserSession;
  let agent: BrowserSession;
  const step = journey('context', () => ({ visitor, agent }));

  beforeAll(async () => {
    host = await startHostServer();
    visitor = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    agent = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    await watchCsp(visitor.page);
    await ownAddress(visitor.page);
  });

  afterAll(async () => {
    await Promise.all([visitor?.close(), agent?.close()]);
    await host?.close();
  });

  step('the signed-in customer starts a chat from the host page, and the agent accepts it', async () => {
    await signInToConsole(agent.page, baseUrl, DEMO_ADMIN);
    await turnAvailable(agent.page);

    const url = host.embed('/portal/billing', {
      parleyOrigin: baseUrl,
      attributes: { channel: 'demo', 'user-token': mintUserToken(DEMO_IDENTITY_SECRET), attributes: JSON.stringify({ cart: '3 items' }) },
    });
    await visitor.page.goto(url);
    const chat = widget(visitor.page);
    await waitForVisible(chat.getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    const name = await waitForVisible(chat.getByRole('textbox', { name: 'Name', exact: true }));
    if (!(await name.inputValue())) await name.fill(customer.name);
    const email = chat.getByRole('textbox', { name: 'Email', exact: true });
    if (!(await email.inputValue())) await email.fill(customer.email);
    await chat.getByRole('textbox', { name: 'Message', exact: true }).fill(question);
    await chat.getByRole('button', { name: 'Start chat', exact: true }).click();

    const waiting = agent.page.getByRole('listitem').filter({ hasText: customer.name });
    await waitForVisible(waiting.getByRole('button', { name: 'Accept', exact: true }), LIVE_MS).then((b) => b.click());
    await waitForText(agent.page.getByRole('log', { name: 'Messages' }), question, LIVE_MS);
    expect(await cspViolations(visitor.page)).toEqual([]);
  });

  step('the panel shows the signed attributes as verified, the page\'s own as unverified, and the account and request', async () => {
    const p = panel(agent.page);
    await waitForText(p, '3 items', LIVE_MS);
    // textContent, not innerText: the headings are drawn upper-case.
    const text = ((await p.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('Contact attributes');
    expect(text).toContain('Conversation attributes');
    expect(text).toMatch(/plan\s*pro\s*verified/);
    expect(text).toMatch(/seats\s*12\s*verified/);
    expect(text).toMatch(/cart\s*3 items\s*unverified/);
    expect(text).toContain(`Virtanen Oy ${run}`);
    expect(text).toContain(`REQ-${run}`);
    expect(text).toContain('signed in');
    await waitForText(p, 'Visitor online on Customer portal', LIVE_MS);
  });

  step('an SPA navigation on the host page changes "on page" and the trail live', async () => {
    await visitor.page.evaluate(() => {
      document.title = 'Invoices — March';
      history.pushState({}, '', '/portal/invoices?month=2026-03');
    });
    const p = panel(agent.page);
    await waitForText(p, 'Visitor online on Invoices — March', LIVE_MS);
    const trail = agent.page.getByRole('list', { name: 'Page trail' });
    await waitForText(trail, 'Invoices — March', LIVE_MS);
    expect(await trail.getByRole('listitem').count()).toBe(2);
    expect(await trail.getByRole('link').last().getAttribute('href')).toBe(`${host.origin}/portal/invoices?month=2026-03`);
    expect(await cspViolations(visitor.page)).toEqual([]);
  });

  step('screenshots at 1280x800 and 390x844 of the thread with the panel; axe finds nothing serious in the panel', async () => {
    await panel(agent.page).scrollIntoViewIfNeeded();
    await saveScreenshot(agent.page, 'console-context-1280');
    expect(await panelAxeFindings(agent.page)).toEqual([]);
    await agent.page.setViewportSize({ width: 390, height: 844 });
    await waitForVisible(panel(agent.page));
    await panel(agent.page).scrollIntoViewIfNeeded();
    await saveScreenshot(agent.page, 'console-context-390');
    expect(await panelAxeFindings(agent.page)).toEqual([]);
    await saveScreenshot(visitor.page, 'console-context-host-page');
  });
});
