// Locales: every visitor-facing string in en, fi, sv, no, da, de, nl and it, chosen by the
// `locale` attribute or else the browser's language, and a channel's own wording per locale.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Locale } from '../../protocol/channel';
import { da } from '../../widget/chat/i18n/da';
import { de } from '../../widget/chat/i18n/de';
import { en, type Strings } from '../../widget/chat/i18n/en';
import { fi } from '../../widget/chat/i18n/fi';
import { it } from '../../widget/chat/i18n/it';
import { nl } from '../../widget/chat/i18n/nl';
import { no } from '../../widget/chat/i18n/no';
import { sv } from '../../widget/chat/i18n/sv';
import { launcherStrings } from '../../widget/chat/launcher-strings';
import { launchBrowser, saveScreenshot, waitForVisible, type BrowserSession } from './browser.js';
import { AgentDriver } from './host-agent.js';
import { journey, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';

const baseUrl = inject('baseUrl');
const run = Date.now();
const dictionaries: Record<Locale, Strings> = { en, fi, sv, no, da, de, nl, it };

describe.sequential('locales', () => {
  let host: HostServer;
  let visitor: BrowserSession;
  let admin: AgentDriver;
  const step = journey('locales', () => ({ visitor }));
  const chat = () => widget(visitor.page);

  beforeAll(async () => {
    host = await startHostServer();
    admin = await AgentDriver.signIn(baseUrl);
    visitor = await launchBrowser();
  });

  afterAll(async () => {
    admin?.close();
    await visitor?.close();
    await host?.close();
  });

  step('every locale has every string, each its own', async () => {
    const keys = Object.keys(en).sort();
    for (const [locale, strings] of Object.entries(dictionaries)) {
      expect(Object.keys(strings).sort(), locale).toEqual(keys);
      for (const key of keys) expect(strings[key as keyof Strings].trim(), `${locale}.${key}`).not.toBe('');
      if (locale !== 'en') {
        // A few words may coincide ("Send" is Norwegian and Danish too); whole sentences may not.
        const same = keys.filter((k) => strings[k as keyof Strings] === en[k as keyof Strings] && en[k as keyof Strings].length > 12);
        expect(same, `${locale} strings left in English`).toEqual([]);
      }
    }
  });

  for (const locale of Object.keys(dictionaries) as Locale[]) {
    step(`locale="${locale}": launcher, closed message, opening hours and ticket form in ${locale}`, async () => {
      const t = dictionaries[locale];
      await visitor.page.goto(host.embed(`/locale-${locale}`, { parleyOrigin: baseUrl, attributes: { channel: 'demo-closed', locale } }));
      await waitForVisible(chat().getByRole('button', { name: launcherStrings[locale].openChat, exact: true })).then((b) => b.click());
      await waitForVisible(chat().getByText(t.closedMessage, { exact: true }));
      await waitForVisible(chat().getByRole('table', { name: t.openingHours }));
      await waitForVisible(chat().getByRole('textbox', { name: t.name, exact: true }));
      await waitForVisible(chat().getByRole('textbox', { name: t.email, exact: true }));
      await waitForVisible(chat().getByRole('textbox', { name: t.message, exact: true }));
      await waitForVisible(chat().getByRole('button', { name: t.sendTicket, exact: true }));
      await waitForVisible(chat().getByRole('button', { name: launcherStrings[locale].closeChat, exact: true }));
      // Weekdays come from the browser's own locale data.
      const monday = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1)));
      await waitForVisible(chat().getByRole('rowheader', { name: new RegExp(`^${monday}`) }));
      // Validation speaks the visitor's language too.
      await chat().getByRole('button', { name: t.sendTicket, exact: true }).click();
      await waitForVisible(chat().getByRole('alert').filter({ hasText: t.nameRequired }));
      if (locale === 'fi') await saveScreenshot(visitor.page, 'widget-locale-fi');
    });
  }

  step("without a locale attribute the browser's language is used (Swedish here)", async () => {
    await visitor.page.addInitScript(() => {
      Object.defineProperty(navigator, 'language', { get: () => 'sv-SE' });
      Object.defineProperty(navigator, 'languages', { get: () => ['sv-SE', 'sv'] });
    });
    await visitor.page.goto(host.embed('/browser-language', { parleyOrigin: baseUrl, attributes: { channel: 'demo-closed' } }));
    await waitForVisible(chat().getByRole('button', { name: launcherStrings.sv.openChat, exact: true })).then((b) => b.click());
    await waitForVisible(chat().getByText(sv.closedMessage, { exact: true }));
  });

  step("a channel's own wording replaces a string in one locale and leaves the others", async () => {
    const key = `wording-${run}`;
    await admin.api('POST', '/api/console/admin/channels', {
      key,
      name: 'Wording test',
      allowedOrigins: [host.origin],
      config: {
        openingHours: { timeZone: 'Europe/Helsinki', days: {} },
        ticketSubmission: true,
        strings: { fi: { closedMessage: 'Toimisto on kiinni juhannuksen ajan.', openChat: 'Kysy meiltä' } },
      },
    });
    await visitor.page.goto(host.embed('/wording-fi', { parleyOrigin: baseUrl, attributes: { channel: key, locale: 'fi' } }));
    await waitForVisible(chat().getByRole('button', { name: launcherStrings.fi.openChat, exact: true })).then((b) => b.click());
    await waitForVisible(chat().getByText('Toimisto on kiinni juhannuksen ajan.', { exact: true }));
    // Once the channel is known, its launcher wording applies as well.
    await chat().getByRole('button', { name: launcherStrings.fi.closeChat, exact: true }).click();
    await waitForVisible(chat().getByRole('button', { name: 'Kysy meiltä', exact: true }));

    await visitor.page.goto(host.embed('/wording-de', { parleyOrigin: baseUrl, attributes: { channel: key, locale: 'de' } }));
    await waitForVisible(chat().getByRole('button', { name: launcherStrings.de.openChat, exact: true })).then((b) => b.click());
    await waitForVisible(chat().getByText(de.closedMessage, { exact: true }));
  });
});
