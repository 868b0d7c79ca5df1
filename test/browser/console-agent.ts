// What the console tests do as an agent in a real browser: sign in, turn "Available for chat" on,
// and wait for conditions the page reaches on its own. Only accessible names are used.
import type { Page } from 'playwright-core';
import { DEFAULT_WAIT_MS, waitForHidden, waitForVisible } from './browser.js';

export const DEMO_ADMIN = { email: 'demo@parley.test', password: 'parley-demo', name: 'Dana Demo' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` is true; the error says what was awaited. */
export async function until(probe: () => Promise<boolean>, what: string, timeout = DEFAULT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await sleep(100);
  }
}

export async function signInToConsole(page: Page, baseUrl: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await waitForVisible(page.getByRole('textbox', { name: 'Email', exact: true })).then((l) => l.fill(who.email));
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForHidden(page.getByRole('button', { name: 'Sign in', exact: true }));
}

/**
 * Turns the switch on once the console has reached every channel's lobby, and waits until it says
 * so. The lobby remembers the switch from an earlier session; it is then turned off and on again,
 * so that the click that allows sound and notifications happens in every test.
 */
export async function turnAvailable(page: Page): Promise<void> {
  const available = page.getByRole('switch', { name: 'Available for chat' });
  const isOn = async () => (await available.getAttribute('aria-checked')) === 'true';
  await waitForVisible(available);
  await until(() => available.isEnabled(), 'the switch to be enabled (the lobby connected)');
  if (await isOn()) {
    await available.click();
    await until(async () => !(await isOn()), '"Available for chat" to be off');
  }
  await available.click();
  await until(isOn, '"Available for chat" to be on');
}

/**
 * Headless Chromium cannot show notifications: this stand-in grants permission when asked and
 * records every notification the page shows, for `shownNotifications`.
 */
export async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const shown: { title: string; body: string | undefined }[] = [];
    (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
    class RecordingNotification extends EventTarget {
      static permission: NotificationPermission = 'default';
      static async requestPermission(): Promise<NotificationPermission> {
        RecordingNotification.permission = 'granted';
        return 'granted';
      }
      constructor(title: string, options?: NotificationOptions) {
        super();
        shown.push({ title, body: options?.body });
      }
      close(): void {}
    }
    Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true });
  });
}

export const shownNotifications = (page: Page) =>
  page.evaluate(() => (window as unknown as { shownNotifications: { title: string; body: string | undefined }[] }).shownNotifications);
