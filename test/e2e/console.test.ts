/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core) against
 * the real service and the Cloud API simulator: sign in, watch a conversation arrive live, see
 * the bot's replies reach "read", take over, reply (the simulator receives it), release; then the
 * flows page and the phone-width layout; then how media, reply buttons, list messages and a failed
 * delivery are drawn, live and after a reload; and a connection drop before any event. Screenshots
 * go to test/e2e/screenshots/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { menuFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable) {
  console.warn(`skipping the browser test: ${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does it)`);
}

describe.skipIf(!browserAvailable)('operator console in Chromium', () => {
  let simulator: Simulator;
  let h: Harness;
  let apiKey: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // Statuses a little apart, so the ticks visibly advance.
    simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } }, statusDelayMs: 150 });
    h = await startHarness({ simulator });
    ({ apiKey } = await h.createUser());
    await h.createFlow(apiKey, { name: 'Menu', trigger: 'menu', definition: menuFlow });
    mkdirSync(SCREENSHOTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'waflow-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  });
  afterAll(async () => {
    await context?.close();
    await h?.close();
    await simulator?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const sentTo = (phone: string) => simulator.sent.filter((message) => message.to === phone);
  /** What the browser logged, less the answers the tests provoke (a wrong key, activating a broken flow). */
  const provoked = /Failed to load resource: the server responded with a status of (400|401)/;
  const unexpectedProblems = () => problems.filter((problem) => !provoked.test(problem));

  it('signs in, shows a conversation live, lets an operator take over, reply and release', async () => {
    const phone = '15550005001';
    await page.goto(h.url);
    await page.getByLabel('API key').fill('wfk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('not accepted');
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await page.getByText('No conversations yet', { exact: false }).waitFor();
    await shot('01-signed-in');

    // A WhatsApp user writes: the conversation appears without a reload, with its unread count.
    simulator.setFaults({ latencyMs: 1_500 });
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' }, { name: 'Ana' });
    const row = page.getByRole('button', { name: /Ana/ });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('1');
    await row.click();
    await page.getByRole('heading', { name: 'Ana' }).waitFor();
    // The Graph API answers slowly: the bot is shown typing while its replies go out.
    await page.getByText('The bot is typing…').waitFor();
    await shot('02-bot-typing');
    simulator.setFaults({});

    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Hi Ana! Welcome.').waitFor();
    await log.getByRole('list', { name: 'Reply buttons' }).getByText('Something else').waitFor();
    await expect.poll(() => log.getByRole('img', { name: 'Read' }).count(), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => page.locator('.session-status').textContent()).toBe('Paused');
    await page.getByText('Menu · menu').waitFor();
    await shot('03-bot-replied-read');

    // The operator takes over: the bot stays silent, the operator's text reaches WhatsApp.
    await expect.poll(() => page.getByRole('textbox', { name: 'Reply' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Take over' }).click();
    await expect.poll(() => page.locator('.session-status').textContent()).toBe('Handoff');
    await page.getByRole('textbox', { name: 'Reply' }).fill('Hi Ana, this is Sam. How can I help?');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(() => sentTo(phone).some((message) => (message.body as { text?: { body: string } }).text?.body === 'Hi Ana, this is Sam. How can I help?'));
    const operatorBubble = log.locator('li.operator');
    await operatorBubble.getByText('Hi Ana, this is Sam. How can I help?').waitFor();
    await expect.poll(() => operatorBubble.getByRole('img', { name: 'Read' }).count(), { timeout: 15_000 }).toBe(1);
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'I need an invoice' });
    await log.getByText('I need an invoice').waitFor();
    expect(sentTo(phone)).toHaveLength(3);
    await shot('04-operator-reply');

    // Back to the bot, which waits at its buttons again.
    await page.getByRole('button', { name: 'Release to bot' }).click();
    await expect.poll(() => page.locator('.session-status').textContent()).toBe('Paused');
    await page.getByRole('button', { name: 'Take over' }).waitFor();
    await shot('05-released');
  });

  it('shows flows with their lint results, and works at phone width', async () => {
    await page.getByRole('link', { name: 'Flows' }).click();
    const table = page.getByRole('table');
    await table.getByRole('rowheader', { name: 'Menu' }).waitFor();
    await page.getByRole('button', { name: 'Edit Menu' }).click();
    await page.getByText('No lint errors: this flow can be activated.').waitFor();

    // A new flow with a dead end: saved as a draft, its lint errors name the node.
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByLabel('Name').fill('Broken');
    await page.getByLabel('Trigger').fill('broken');
    const broken = {
      nodes: [
        { id: 'start', type: 'start', data: {} },
        { id: 'ask', type: 'buttons', data: { text: 'Pick', buttons: [{ id: 'a', title: 'A' }] } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'ask' }],
    };
    await page.getByLabel('Load a JSON file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    await expect.poll(() => page.getByLabel('Definition (JSON)').inputValue()).toContain('"ask"');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByText('Lint errors: fix these to activate the flow.').waitFor();
    await page.locator('.lint-results code.node-id', { hasText: 'ask' }).first().waitFor();
    await page.getByRole('button', { name: 'Activate Broken' }).click();
    await page.getByText('a flow with lint errors cannot be Active').first().waitFor();
    await shot('06-flows-lint');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('button', { name: /Ana/ }).click();
    await page.getByRole('button', { name: 'Conversations' }).waitFor();
    await shot('07-phone-thread');
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    await shot('08-phone-list');

    expect(unexpectedProblems()).toEqual([]);
  });

  it('renders media placeholders, reply buttons, list rows and a failed delivery, live and after a reload', async () => {
    const phone = '15550005002';
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();

    // Media and a document before any flow runs: no trigger matches, the bot stays silent.
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'image', caption: 'Here is the receipt' }, { name: 'Bea' });
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'document', filename: 'invoice.pdf' });
    await page.getByRole('button', { name: /Bea/ }).click();
    await page.getByRole('heading', { name: 'Bea' }).waitFor();
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByRole('img', { name: 'Image (not shown)' }).waitFor();
    await log.getByRole('img', { name: 'Document (not shown)' }).waitFor();

    // The menu's buttons, then (on "Sales") its list; the bot's answer to "Plan B" fails to deliver.
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    await log.getByRole('list', { name: 'Reply buttons' }).waitFor();
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'button_reply', id: 'sales', title: 'Sales' });
    await log.getByText('Pick a product').waitFor();
    simulator.setFaults({ failedStatus: { rate: 1, code: 131026 } });
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'list_reply', id: 'p2', title: 'Plan B' });
    await eventually(() => sentTo(phone).some((message) => (message.body as { text?: { body: string } }).text?.body === 'Great choice: Plan B.'));
    simulator.setFaults({});

    const expectRendered = async (step: string) => {
      // Media: a labelled placeholder (the bytes are not fetched), with the caption under it.
      const image = log.locator('li.inbound', { has: page.getByRole('img', { name: 'Image (not shown)' }) });
      await expect.poll(() => image.locator('.media').textContent()).toBe('Image');
      await image.getByText('Here is the receipt', { exact: true }).waitFor();
      await expect.poll(() => log.getByRole('img', { name: 'Document (not shown)' }).textContent()).toBe('Document');

      // Reply buttons: every title, in order.
      const buttons = log.getByRole('list', { name: 'Reply buttons' });
      await expect.poll(() => buttons.getByRole('listitem').allTextContents()).toEqual(['Sales', 'Support', 'Something else']);
      await buttons.getByText('Something else', { exact: true }).waitFor();

      // The list message: its button opens the section with each row's title and description.
      const list = log.locator('li.outbound', { hasText: 'Pick a product' }).locator('details.list-message');
      // Opened once, it stays open while ticks arrive (each redraws the bubble).
      await list.getByText('Products', { exact: true }).click();
      await expect.poll(() => list.getAttribute('open')).toBe('');
      await list.getByText('All', { exact: true }).waitFor();
      await list.getByText('Plan A', { exact: true }).waitFor();
      await list.getByText('Plan B', { exact: true }).waitFor();
      await list.getByText('Best value', { exact: true }).waitFor();
      await expect.poll(() => list.locator('.row-title').allTextContents()).toEqual(['Plan A', 'Plan B']);
      await expect.poll(() => log.locator('li.inbound .reply-choice').allTextContents()).toEqual(['Chose: Sales', 'Chose: Plan B']);

      // The failed delivery: the failed mark and Meta's error, on that bubble only.
      const failed = log.locator('li.outbound', { hasText: 'Great choice: Plan B.' });
      await expect.poll(() => failed.getByRole('img', { name: 'Failed' }).textContent(), { timeout: 15_000 }).toBe('!');
      await failed.getByText('Not delivered: Message undeliverable', { exact: true }).waitFor();
      expect(await log.getByRole('img', { name: 'Failed' }).count()).toBe(1);
      expect(await log.locator('.failure').count()).toBe(1);
      await shot(step);
    };
    await expectRendered('09-rendering-live');

    // The same from the stored history, as a fresh load shows it.
    await page.reload();
    await page.getByRole('button', { name: /Bea/ }).click();
    await page.getByRole('heading', { name: 'Bea' }).waitFor();
    await expectRendered('10-rendering-reloaded');
    expect(unexpectedProblems()).toEqual([]);
  }, 60_000);

  it('after a connection drop before any event, shows what arrived while it was offline', async () => {
    const phone = '15550005003';
    // A fresh load: nothing received yet, so there is no sequence number to replay from.
    await page.reload();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await context.setOffline(true);
    await page.getByText('Reconnecting…', { exact: true }).waitFor();
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'anyone there?' }, { name: 'Cid' });
    // Stored before the console is back: only a reload can show it, not a live event.
    await eventually(async () => {
      const response = await fetch(`${h.url}/api/v1/conversations`, { headers: { authorization: `Bearer ${apiKey}` } });
      return JSON.stringify(await response.json()).includes(phone);
    });
    await context.setOffline(false);
    await page.getByText('Live', { exact: true }).waitFor();
    await page.getByRole('button', { name: /Cid/ }).waitFor();
    expect(unexpectedProblems()).toEqual([]);
  }, 60_000);
});
