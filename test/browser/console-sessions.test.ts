// "Sign out everywhere" in Chromium: the agent is signed in on a laptop and a phone, signs out
// everywhere from the laptop's menu, and the phone's console drops to the sign-in form on its own.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, saveScreenshot, waitForVisible, type BrowserSession } from './browser.js';
import { DEMO_ADMIN, signInToConsole } from './console-agent.js';

const baseUrl = inject('baseUrl');
/** The console polls every 10 s and gets a 401 on the first poll after its session ended. */
const SIGNED_OUT_WITHIN_MS = 15_000;

describe('sessions', () => {
  const sessions: BrowserSession[] = [];

  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
  });

  test('"Sign out everywhere" from the menu ends the other browser\'s session too', async () => {
    const laptop = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    const phone = await launchBrowser({ viewport: { width: 390, height: 844 } });
    sessions.push(laptop, phone);
    await signInToConsole(laptop.page, baseUrl, DEMO_ADMIN);
    await signInToConsole(phone.page, baseUrl, DEMO_ADMIN);

    const cookies = await laptop.context.cookies(baseUrl);
    expect(cookies.map((c) => [c.name, c.secure, c.httpOnly, c.sameSite])).toEqual([['__Host-parley_session', true, true, 'Strict']]);

    await phone.page.locator('summary', { hasText: DEMO_ADMIN.name }).click();
    await waitForVisible(phone.page.getByRole('button', { name: 'Sign out everywhere' }));
    await saveScreenshot(phone.page, 'console-account-menu-390');
    await phone.page.getByRole('button', { name: 'Change password' }).click();
    await waitForVisible(phone.page.getByRole('dialog', { name: 'Change password' }));
    await saveScreenshot(phone.page, 'console-change-password-390');
    await phone.page.getByRole('button', { name: 'Cancel' }).click();

    await laptop.page.locator('summary', { hasText: DEMO_ADMIN.name }).click();
    await waitForVisible(laptop.page.getByRole('button', { name: 'Sign out everywhere' }));
    await saveScreenshot(laptop.page, 'console-account-menu-1280');
    await laptop.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await waitForVisible(laptop.page.getByRole('button', { name: 'Sign in', exact: true }));
    await waitForVisible(phone.page.getByRole('button', { name: 'Sign in', exact: true }), SIGNED_OUT_WITHIN_MS);

    const me = await phone.page.evaluate(async () => (await fetch('/api/console/me')).status);
    expect(me).toBe(401);
  });
});
