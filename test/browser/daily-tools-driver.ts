// Shared steps of the daily-tools browser tests: threads started through the integrator's API,
// admin calls from the signed-in page, and the axe-core check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A customer's question, as the integrator's API starts it; returns the conversation id. */
export async function startThread(baseUrl: string, contact: { name: string; email: string }, subject: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/conversations`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo-api-key' },
    body: JSON.stringify({ channel: 'demo', contact, subject, message: `${subject}: could you help?` }),
  });
  const body = await res.text();
  expect(res.status, body).toBe(201);
  return (JSON.parse(body) as { id: string }).id;
}

/** A JSON call made by the signed-in console page (its session cookie goes along). */
export function consoleFetch<T>(page: Page, path: string, init: { method?: string; json?: unknown } = {}): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ path, init }) => {
      const res = await fetch(path, {
        method: init.method ?? 'GET',
        headers: init.json === undefined ? {} : { 'Content-Type': 'application/json' },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    { path, init },
  ) as Promise<{ status: number; body: T }>;
}

/** axe-core on the whole page: nothing serious or critical. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target) }));
  });
  expect(violations, JSON.stringify(violations)).toEqual([]);
}
