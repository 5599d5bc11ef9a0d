/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core) against
 * the real service and the Cloud API simulator: sign in, watch a conversation arrive live, see
 * the bot's replies reach "read", take over, reply (the simulator receives it), release; then the
 * flows page and the phone-width layout. Screenshots go to test/e2e/screenshots/.
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

    // The browser logs the answers this test provoked (a wrong key, activating a broken flow).
    const provoked = /Failed to load resource: the server responded with a status of (400|401)/;
    expect(problems.filter((problem) => !provoked.test(problem))).toEqual([]);
  });
});
