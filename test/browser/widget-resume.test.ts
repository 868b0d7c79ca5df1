// Resume and reconnect: a reload returns to the same conversation; when the network goes away
// (a cut connection, a restarting server), what the visitor writes meanwhile is kept, survives a
// reload, and is sent in order and exactly once when the connection returns.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Message } from '../../protocol/frames';
import { launchBrowser, saveScreenshot, waitForHidden, waitForText, waitForTexts, waitForVisible, type BrowserSession } from './browser.js';
import { AgentDriver, type LobbySocket, type RoomSocket } from './host-agent.js';
import { journey, ownAddress, widget } from './host-journey.js';
import { startHostServer, type HostServer } from './host-page.js';
import { startProxy, type ParleyProxy } from './host-proxy.js';

const baseUrl = inject('baseUrl');
const LIVE_MS = 20_000;

const run = Date.now();
const visitorName = `Rene Resume ${run}`;
const question = `Can I change my VAT period to quarterly? (${run})`;
const offline = [`first while offline (${run})`, `second while offline (${run})`, `third while offline (${run})`];
const beforeReload = `written offline, then the page reloaded (${run})`;

describe.sequential('resume and reconnect', () => {
  let host: HostServer;
  let proxy: ParleyProxy;
  let visitor: BrowserSession;
  let agent: AgentDriver;
  let lobby: LobbySocket;
  let room: RoomSocket;
  let url: string;
  const step = journey('resume', () => ({ visitor }));
  const chat = () => widget(visitor.page);
  const log = () => chat().getByRole('log');
  const composer = () => chat().getByRole('textbox', { name: 'Message', exact: true });
  /** Every message the agent's room has seen, in the order it saw them. */
  const seenByAgent = () =>
    room.frames.flatMap((f) => (f.type === 'message' ? [f.message] : f.type === 'history' ? f.messages : [])) as Message[];

  beforeAll(async () => {
    host = await startHostServer();
    proxy = await startProxy(baseUrl);
    agent = await AgentDriver.signIn(baseUrl);
    lobby = await agent.beAvailable('demo');
    visitor = await launchBrowser();
    await ownAddress(visitor.page);
    url = host.embed('/resume', { parleyOrigin: proxy.origin, attributes: { channel: 'demo' } });
  });

  afterAll(async () => {
    agent?.close();
    await visitor?.close();
    await proxy?.close();
    await host?.close();
  });

  step('a visitor starts a chat and the agent takes it', async () => {
    await visitor.page.goto(url);
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForVisible(chat().getByRole('textbox', { name: 'Name', exact: true })).then((t) => t.fill(visitorName));
    await chat().getByRole('textbox', { name: 'Email', exact: true }).fill(`rene.${run}@example.com`);
    await chat().getByRole('textbox', { name: 'Message', exact: true }).fill(question);
    await chat().getByRole('button', { name: 'Start chat', exact: true }).click();
    await waitForText(log(), question, LIVE_MS);
    const entry = await agent.waitInQueue(lobby, visitorName);
    await agent.accept(lobby, entry.conversationId);
    room = await agent.join(entry.conversationId);
    room.send({ type: 'send', clientId: `resume-hello-${run}`, body: 'Yes, from the next period on.' });
    await waitForText(log(), 'Yes, from the next period on.', LIVE_MS);
  });

  step('a reload returns to the same conversation, without the pre-chat form', async () => {
    await visitor.page.reload();
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForTexts(log(), [question, 'Yes, from the next period on.'], { timeout: LIVE_MS });
    expect(await chat().getByRole('textbox', { name: 'Name', exact: true }).count()).toBe(0);
  });

  step('the network drops: messages written meanwhile wait, then go out in order, exactly once', async () => {
    proxy.set('down');
    await waitForVisible(chat().getByText('Offline: your messages will be sent when the connection returns.'), LIVE_MS);
    for (const body of offline) {
      await composer().fill(body);
      await composer().press('Enter');
    }
    await waitForTexts(log(), offline);
    expect(await log().getByText('Sending…').count()).toBe(offline.length);
    room.send({ type: 'send', clientId: `resume-meanwhile-${run}`, body: 'Sent while you were away.' });
    await saveScreenshot(visitor.page, 'widget-offline-queue');

    proxy.set('up');
    await waitForHidden(chat().getByText('Offline: your messages will be sent when the connection returns.'), LIVE_MS);
    await expect.poll(() => log().getByText('Sending…').count(), { timeout: LIVE_MS }).toBe(0);
    await waitForTexts(log(), [...offline, 'Sent while you were away.'], { ordered: false, timeout: LIVE_MS });

    await expect
      .poll(() => seenByAgent().filter((m) => offline.includes(m.body)).map((m) => m.body), { timeout: LIVE_MS })
      .toEqual(offline);
    const seqs = seenByAgent().filter((m) => offline.includes(m.body)).map((m) => m.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // Each shows once in the widget too.
    for (const body of offline) expect(await log().getByText(body, { exact: true }).count()).toBe(1);
  });

  step('a message written offline survives a reload and is sent once the connection returns', async () => {
    proxy.set('no-sockets');
    await waitForVisible(chat().getByText('Offline: your messages will be sent when the connection returns.'), LIVE_MS);
    await composer().fill(beforeReload);
    await composer().press('Enter');
    await waitForText(log(), beforeReload);

    await visitor.page.reload();
    await waitForVisible(chat().getByRole('button', { name: 'Open chat', exact: true })).then((b) => b.click());
    await waitForText(log(), beforeReload, LIVE_MS);
    expect(await log().getByText('Sending…').count()).toBe(1);

    proxy.set('up');
    await expect
      .poll(() => seenByAgent().filter((m) => m.body === beforeReload).length, { timeout: LIVE_MS })
      .toBe(1);
    await expect.poll(() => log().getByText('Sending…').count(), { timeout: LIVE_MS }).toBe(0);
    expect(await log().getByText(beforeReload, { exact: true }).count()).toBe(1);
    await saveScreenshot(visitor.page, 'widget-after-reconnect');
  });
});
