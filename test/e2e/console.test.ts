/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core) against
 * the real service and the Cloud API simulator: sign in, watch a conversation arrive live, see
 * the bot's replies reach "read", take over, reply (the simulator receives it), release; then the
 * flows page and the phone-width layout; then how media, reply buttons, list messages and a failed
 * delivery are drawn, live and after a reload; a connection drop before any event; what arrives
 * while a conversation loads; drafts; the 24-hour window closing; a first connection slower than
 * the list; a restart of the service. Screenshots go to test/e2e/screenshots/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { menuFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';
import { textWebhook } from '../support/webhooks.js';

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
  // A test that fails half-way leaves no fault or held request to the next.
  afterEach(async () => {
    simulator.setFaults({});
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });
  afterAll(async () => {
    await context?.close();
    await h?.close();
    await simulator?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const sentTo = (phone: string) => simulator.sent.filter((message) => message.to === phone);
  /** What the browser logged, less the answers the tests provoke (a wrong key, activating a broken flow, a failing or stopped service). */
  const provoked = /Failed to load resource: (the server responded with a status of (400|401|503)|net::ERR_CONNECTION_REFUSED)/;
  const unexpectedProblems = () => problems.filter((problem) => !provoked.test(problem));
  /** Counts, from now on, the page's requests with this method to a path matching `path`. */
  const countRequests = (method: string, path: RegExp) => {
    let count = 0;
    page.on('request', (request) => {
      if (request.method() === method && path.test(new URL(request.url()).pathname)) count += 1;
    });
    return () => count;
  };
  /** The tokens of the socket.io handshakes (CONNECT packets) the page sends from now on, over either transport. */
  const handshakeTokens = () => {
    const tokens: unknown[] = [];
    const keep = (data: string | null) => {
      for (const packet of (data ?? '').split('\x1e')) if (packet.startsWith('40')) tokens.push(JSON.parse(packet.slice(2)).token);
    };
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/socket.io/') keep(request.postData());
    });
    page.on('websocket', (socket) => socket.on('framesent', (frame) => keep(String(frame.payload))));
    return tokens;
  };
  const contactIdOf = async (name: RegExp) => (await page.getByRole('button', { name }).getAttribute('data-contact-id')) ?? '';

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

    // The operator takes over: the bot stays silent, the operator's text reaches WhatsApp. A
    // double click sends one request: the buttons wait for the answer.
    const takeovers = countRequests('POST', /\/takeover$/);
    const replies = countRequests('POST', /\/messages$/);
    const releases = countRequests('POST', /\/release$/);
    await expect.poll(() => page.getByRole('textbox', { name: 'Reply' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Take over' }).dblclick();
    await expect.poll(() => page.locator('.session-status').textContent()).toBe('Handoff');
    const reply = page.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Hi Ana, this is Sam. How can I help?');
    // Enter that ends an input method's composition does not send the text half-typed.
    await reply.dispatchEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true });
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(false);
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
    await page.getByRole('button', { name: 'Release to bot' }).dblclick();
    await expect.poll(() => page.locator('.session-status').textContent()).toBe('Paused');
    await page.getByRole('button', { name: 'Take over' }).waitFor();
    expect([takeovers(), replies(), releases()]).toEqual([1, 1, 1]);
    expect(await page.locator('.thread-header .form-error').textContent()).toBe('');
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
    // A double click creates one draft.
    const creations = countRequests('POST', /^\/api\/v1\/flows$/);
    await page.getByRole('button', { name: 'Create draft' }).dblclick();
    await page.getByText('Lint errors: fix these to activate the flow.').waitFor();
    await page.locator('.lint-results code.node-id', { hasText: 'ask' }).first().waitFor();
    expect(creations()).toBe(1);
    const brokenId = (await page.locator('tr', { has: page.getByRole('rowheader', { name: 'Broken' }) }).getAttribute('data-flow-id')) ?? '';
    const brokenRead = (request: { method(): string; url(): string }) => request.method() === 'GET' && new URL(request.url()).pathname === `/api/v1/flows/${brokenId}`;
    // Refused, and the flow cannot be read back to show why: the list's alert says it, nothing throws.
    await page.route((url) => url.pathname === `/api/v1/flows/${brokenId}`, (route) =>
      brokenRead(route.request()) ? route.fulfill({ status: 503, json: { error: { code: 'unavailable', message: 'try again' } } }) : route.fallback(),
    );
    await page.getByRole('button', { name: 'Activate Broken' }).click();
    await page.getByText('Broken: a flow with lint errors cannot be Active').waitFor();
    await page.unrouteAll();
    await shot('06-flows-lint');

    // Unsaved edits in the editor outlive a refused activation of another flow.
    await page.getByRole('button', { name: 'Edit Menu' }).click();
    await page.getByRole('heading', { name: 'Edit “Menu”' }).waitFor();
    await page.getByLabel('Name').fill('Menu, renamed');
    const refusalRead = page.waitForEvent('requestfinished', brokenRead);
    await page.getByRole('button', { name: 'Activate Broken' }).click();
    await refusalRead;
    expect(await page.locator('#editor-title').textContent()).toBe('Edit “Menu”');
    expect(await page.getByLabel('Name').inputValue()).toBe('Menu, renamed');
    // Opening another flow asks first; declined, the edits stay.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Edit Broken' }).click();
    expect(await page.locator('#editor-title').textContent()).toBe('Edit “Menu”');

    // At phone width the thread replaces the list, and focus moves with it (and back).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Inbox' }).click();
    const focused = () => page.evaluate<string>('`${document.activeElement.tagName} ${document.activeElement.textContent}`');
    await page.getByRole('button', { name: /Ana/ }).click();
    await page.getByRole('button', { name: 'Conversations' }).waitFor();
    expect(await focused()).toBe('H2 Ana');
    await shot('07-phone-thread');
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    expect(await focused()).toMatch(/^BUTTON Ana/);
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
    // The header follows the session to its new node.
    await page.getByText('Menu · products').waitFor();
    // Shown as soon as it is stored: the fault below must come once the list has been sent.
    await eventually(() => sentTo(phone).length === 3);
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

  it('keeps what arrives while a conversation loads: new messages, and statuses of messages not shown yet', async () => {
    const phone = '15550005003';
    const cidId = await contactIdOf(/Cid/);
    const log = page.getByRole('log', { name: 'Messages' });
    const statusOfReply = async () => {
      const { body } = await h.api<{ messages: { content: string; status: string }[] }>('GET', `/api/v1/contacts/${cidId}/messages`, undefined, apiKey);
      return body.messages.find((message) => message.content === 'Sent before opening')?.status;
    };
    // Graph answers slowly: the reply is still Pending in the history the console loads.
    simulator.setFaults({ latencyMs: 1_500 });
    await h.api('POST', `/api/v1/contacts/${cidId}/messages`, { text: 'Sent before opening' }, apiKey);
    await page.getByRole('button', { name: /Cid/ }).getByRole('img', { name: 'Pending' }).waitFor();
    // The history's answer is held while a message arrives and the reply's statuses reach Read.
    await page.route(
      (url) => url.pathname === `/api/v1/contacts/${cidId}/messages`,
      async (route) => {
        const history = await route.fetch();
        await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'Written while it loads' });
        await log.getByText('Written while it loads').waitFor();
        await eventually(async () => (await statusOfReply()) === 'Read');
        await route.fulfill({ response: history });
      },
      { times: 1 },
    );
    await page.getByRole('button', { name: /Cid/ }).click();
    const reply = log.locator('li.operator', { hasText: 'Sent before opening' });
    await expect.poll(() => reply.getByRole('img').getAttribute('aria-label'), { timeout: 15_000 }).toBe('Read');
    expect(await log.getByText('Written while it loads').count()).toBe(1);
  });

  it('keeps a draft per conversation, and shows a reply in its own thread only', async () => {
    await simulator.userSends(PHONE_NUMBER_ID, '15550005004', { type: 'text', body: 'hello' }, { name: 'Dee' });
    const deeId = await page.getByRole('button', { name: /Dee/ }).waitFor().then(() => contactIdOf(/Dee/));
    const box = page.getByRole('textbox', { name: 'Reply' });
    const log = page.getByRole('log', { name: 'Messages' });
    const openConversation = async (name: string) => {
      await page.getByRole('button', { name: new RegExp(name) }).click();
      await page.getByRole('heading', { name }).waitFor();
    };
    await box.fill('A note for Cid');
    await openConversation('Dee');
    expect(await box.inputValue()).toBe('');

    // A reply whose answer comes back once the operator is in another conversation.
    let answerReply!: () => void;
    const replyHeld = new Promise<void>((resolve) => (answerReply = resolve));
    await page.route(
      (url) => url.pathname === `/api/v1/contacts/${deeId}/messages`,
      async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        const answer = await route.fetch();
        await replyHeld;
        await route.fulfill({ response: answer });
      },
    );
    await box.fill('A reply for Dee');
    await page.getByRole('button', { name: 'Send' }).click();
    await openConversation('Cid');
    expect(await box.inputValue()).toBe('A note for Cid');
    // The row is refreshed after the answer is handled.
    const answerHandled = page.waitForRequest((request) => new URL(request.url()).pathname === `/api/v1/conversations/${deeId}`);
    answerReply();
    await answerHandled;
    expect(await log.getByText('A reply for Dee').count()).toBe(0);
    expect(await box.inputValue()).toBe('A note for Cid');

    await openConversation('Dee');
    await log.getByText('A reply for Dee').waitFor();
    await expect.poll(() => box.inputValue()).toBe('');
  });

  it('takes the 24-hour window from the server, and closes it when it runs out', async () => {
    const phone = '15550005005';
    // Written almost a day ago: the window has seconds left.
    const writtenAt = Date.now() - 24 * 3_600_000 + 4_500;
    await simulator.postWebhook(textWebhook([{ from: phone, wamid: 'wamid.window-1', body: 'Written yesterday', time: writtenAt, name: 'Eli' }]));
    await page.getByRole('button', { name: /Eli/ }).click();
    await page.getByRole('heading', { name: 'Eli' }).waitFor();
    await page.getByText('open until').waitFor();
    expect(await page.getByRole('textbox', { name: 'Reply' }).isDisabled()).toBe(false);
    // Delivered now but written earlier still: it does not reopen the window.
    await simulator.postWebhook(textWebhook([{ from: phone, wamid: 'wamid.window-2', body: 'Delivered late', time: writtenAt - 3_600_000 }]));
    await page.getByRole('log', { name: 'Messages' }).getByText('Delivered late').waitFor();
    await expect.poll(() => page.locator('.facts dd.window-closed').textContent(), { timeout: 10_000 }).toBe('closed');
    expect(await page.getByRole('textbox', { name: 'Reply' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: /Eli/ }).getByText('24h closed').waitFor();
  });

  it('catches up when its first connection comes after the list was loaded without one', async () => {
    let connect!: () => void;
    const connectionHeld = new Promise<void>((resolve) => (connect = resolve));
    await page.route('**/api/v1/socket-tokens', async (route) => {
      await connectionHeld;
      await route.fallback();
    }, { times: 1 });
    await page.reload();
    // Listed after a few seconds without a connection; what arrives now comes with no event.
    await page.getByRole('button', { name: /Cid/ }).waitFor();
    await simulator.userSends(PHONE_NUMBER_ID, '15550005006', { type: 'text', body: 'Before the connection' }, { name: 'Gus' });
    await eventually(async () => JSON.stringify((await h.api('GET', '/api/v1/conversations', undefined, apiKey)).body).includes('15550005006'));
    // The list loaded on connecting is held while a new conversation arrives live: it stays.
    await page.route(
      (url) => url.pathname === '/api/v1/conversations',
      async (route) => {
        const list = await route.fetch();
        await simulator.userSends(PHONE_NUMBER_ID, '15550005007', { type: 'text', body: 'While the list loads' }, { name: 'Hana' });
        await page.getByRole('button', { name: /Hana/ }).waitFor();
        await route.fulfill({ response: list });
      },
      { times: 1 },
    );
    connect();
    await page.getByRole('button', { name: /Gus/ }).waitFor();
    expect(await page.getByRole('button', { name: /Hana/ }).count()).toBe(1);
  });

  it('comes back after a restart of the service, a failed token request and a refused handshake', async () => {
    const port = new URL(h.url).port;
    let tokenRequests = 0;
    await page.route('**/api/v1/socket-tokens', (route) => {
      tokenRequests += 1;
      if (tokenRequests === 1) return route.fulfill({ status: 503, json: { error: { code: 'unavailable', message: 'try again' } } });
      if (tokenRequests === 2) return route.fulfill({ status: 201, json: { token: 'not-a-token', expiresAt: new Date().toISOString() } });
      return route.fallback();
    });
    const tokensSent = handshakeTokens();
    await h.close({ keepData: true });
    await page.getByText('Reconnecting…', { exact: true }).waitFor();
    h = await startHarness({ simulator, dataDir: h.dataDir, env: { PORT: port } });
    await simulator.userSends(PHONE_NUMBER_ID, '15550005008', { type: 'text', body: 'While the console was away' }, { name: 'Ivo' });
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: /Ivo/ }).waitFor();
    expect(tokenRequests).toBe(3);
    // The failed request was asked again, not answered with an empty token.
    expect(tokensSent).toContain('not-a-token');
    expect(tokensSent).not.toContain('');
    await simulator.userSends(PHONE_NUMBER_ID, '15550005009', { type: 'text', body: 'Live again' }, { name: 'Jo' });
    await page.getByRole('button', { name: /Jo/ }).waitFor();
    expect(unexpectedProblems()).toEqual([]);
  }, 60_000);
});
