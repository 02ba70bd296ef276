/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: innerText here is Playwright's locator method (the text a person sees), not the DOM property
// The dashboard as a person uses it, in a real headless Chromium (Debian's package, driven by
// playwright-core): one browser for the whole file, a fresh tab context per test.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockDataFile } from '../../../generated/schemas.js';
import { GETSCFLIST_PATH } from '../../../mock-server/api-facts.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { findChromium, NO_BROWSER_REASON } from '../../support/browser.js';

const run = promisify(execFile);
const CHROMIUM = findChromium();
const IN_CI = process.env.CI === 'true';

/** Where each run writes its screenshots (docs/dashboard.md names this folder; git ignores it). */
const SCREENSHOT_DIR = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));

const DATA: MockDataFile = {
  seed: 7,
  envs: {
    'prod-1': { generate: 30 },
    'test-2': { functions: [{ name: 'login' }, { name: 'pay', status: 'CreateFailed' }] },
    legacy: { qbase: false },
  },
};
const START_ENVS = ['prod-1', 'test-2', 'legacy'];
const CLIENT_TOKEN = 'tok-client-secret-42';
const CONTROL_TOKEN = 'control-secret-123';

// Without a browser the suite is skipped and says why, here and in its name; in CI that is a failure.
if (!CHROMIUM) console.warn(`dashboard browser tests ${NO_BROWSER_REASON}`);
it.runIf(IN_CI)('has a Chromium to drive in CI', () => {
  expect(CHROMIUM, NO_BROWSER_REASON).toBeDefined();
});

/** Calls the API as a client would, and gives the status, the errcode and the reason header. */
async function callApi(mock: RunningMock, body: unknown, token = CLIENT_TOKEN) {
  const res = await fetch(`${mock.url}${GETSCFLIST_PATH}?access_token=${encodeURIComponent(token)}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let errcode: number | undefined;
  try {
    errcode = JSON.parse(text).errcode;
  } catch {
    errcode = undefined;
  }
  return { status: res.status, text, errcode, reason: res.headers.get('x-mock-reason') };
}

async function controlApi(mock: RunningMock, method: string, path: string, body?: unknown) {
  const res = await fetch(`${mock.url}/__mock${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a: number[], b: number[]): number {
  const luminance = ([r, g, b]: number[]) => {
    const [lr, lg, lb] = [r, g, b].map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe.skipIf(!CHROMIUM)(`the dashboard in a real Chromium${CHROMIUM ? '' : ` (${NO_BROWSER_REASON})`}`, () => {
  let browser: Browser;
  let mock: RunningMock;
  let tokenMock: RunningMock;
  let offMock: RunningMock;
  let smallMock: RunningMock;
  let bigMock: RunningMock;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [browser, mock, tokenMock, offMock, smallMock, bigMock] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM }),
      startMockServer({ data: DATA }),
      startMockServer({ data: DATA, controlToken: CONTROL_TOKEN }),
      startMockServer({ data: DATA, control: false }),
      startMockServer({ data: DATA, journalLimit: 4 }),
      startMockServer({ data: { envs: { huge: { generate: 100_000 } } } }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([mock, tokenMock, offMock, smallMock, bigMock].map((one) => one?.close()));
  });

  beforeEach(async () => {
    await controlApi(mock, 'POST', '/reset');
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  /**
   * A new tab on the mock's page. `problems` collects console errors, page errors, failed
   * answers and any attempt to reach another origin (which is refused: the page must need none).
   */
  async function open(target: RunningMock, hash = '', viewport = { width: 1280, height: 800 }) {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const origin = new URL(target.url).origin;
    const problems: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      problems.push(`reached for another origin: ${url}`);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
    });
    const response = await page.goto(`${target.url}/__mock/${hash}`);
    return { page, context, problems, response };
  }

  /** Waits until the page has polled the journal at least once. */
  async function live(page: Page) {
    await page.waitForFunction(() => document.querySelector('#live')?.textContent?.startsWith('live'), null, {
      timeout: 3000,
    });
  }

  const rowWith = (page: Page, text: string) => page.locator('#journal-table tbody tr', { hasText: text }).first();

  describe('loading', () => {
    it('loads with no console errors, nothing from another origin, and a favicon', async () => {
      const { page, problems, response } = await open(mock);
      expect(response?.status()).toBe(200);
      await live(page);
      for (const hash of ['#envs', '#control', '#requests']) {
        await page.click(`#tabs a[href="${hash}"]`);
        await page.waitForTimeout(200);
      }
      const icon = await page.getAttribute('link[rel="icon"]', 'href');
      const iconRes = await page.request.get(new URL(icon ?? '', mock.url).href);
      expect(iconRes.status()).toBe(200);
      expect(iconRes.headers()['content-type']).toBe('image/svg+xml');
      expect(problems).toEqual([]);
    });

    it('uses the system font stack and text of contrast 7:1 or more on every panel', async () => {
      const { page } = await open(mock);
      await live(page);
      await callApi(mock, { env: 'nope' });
      await rowWith(page, '40097').waitFor({ timeout: 2000 });
      await rowWith(page, '40097').locator('button').click();
      expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toMatch(/^system-ui,/);
      for (const hash of ['#requests', '#envs', '#control']) {
        await page.click(`#tabs a[href="${hash}"]`);
        if (hash === '#envs') await page.click('button[data-env="prod-1"]');
        await page.waitForTimeout(150);
        // Each visible text node's colour against the first opaque background behind it.
        const pairs = await page.evaluate(() => {
          const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
          const out: { text: string; fg: number[]; bg: number[] }[] = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const element = node.parentElement;
            if (!element || !node.textContent?.trim() || element.closest('[hidden], .sr-only, :disabled')) continue;
            if (element.getClientRects().length === 0) continue;
            let bgElement: Element | null = element;
            let bg = [255, 255, 255];
            while (bgElement) {
              const [r, g, b, a = 1] = rgb(getComputedStyle(bgElement).backgroundColor);
              if (a > 0.9) {
                bg = [r, g, b];
                break;
              }
              bgElement = bgElement.parentElement;
            }
            out.push({ text: node.textContent.trim().slice(0, 40), fg: rgb(getComputedStyle(element).color), bg });
          }
          return out;
        });
        expect(pairs.length).toBeGreaterThan(10);
        const weak = pairs.filter((pair) => contrast(pair.fg, pair.bg) < 7).map((pair) => pair.text);
        expect(weak, `text under 7:1 on ${hash}`).toEqual([]);
      }
    });
  });

  describe('live requests', () => {
    it('shows a request sent by a client within 2 s, with its errcode and reason', async () => {
      const { page, problems } = await open(mock);
      await live(page);
      const sent = await callApi(mock, { env: 'prod-1', offset: 'x' });
      expect(sent.errcode).toBe(47001);
      const row = rowWith(page, '47001');
      await row.waitFor({ timeout: 2000 });
      const text = await row.innerText();
      expect(text).toContain('47001 data format error');
      expect(text).toContain(sent.reason ?? 'no reason header');
      expect(text).toContain('prod-1');
      expect(text).toContain(GETSCFLIST_PATH);
      // Newest first.
      await callApi(mock, { env: 'test-2' });
      await page.waitForFunction(
        () => document.querySelector('#journal-table tbody tr')?.textContent?.includes('test-2'),
        null,
        { timeout: 2000 },
      );
      expect(problems).toEqual([]);
    });

    it('shows the query with the token cut short, the body pretty-printed, the reason and the answer', async () => {
      const { page } = await open(mock);
      await live(page);
      const body = { env: 'legacy', limit: 5, searchkey: 'pay' };
      const sent = await callApi(mock, body);
      await rowWith(page, '85088').waitFor({ timeout: 2000 });
      await rowWith(page, '85088').locator('button').click();
      const part = (name: string) => page.locator(`#detail [data-part="${name}"]`).innerText();
      const query = await part('query');
      expect(JSON.parse(query)).toEqual({ access_token: 'tok-cl…' });
      expect(query).not.toContain(CLIENT_TOKEN);
      expect(await part('body')).toBe(JSON.stringify(body, null, 2));
      expect(await part('reason')).toBe(sent.reason);
      expect(JSON.parse(await part('answer'))).toEqual(JSON.parse(sent.text));
      expect(await page.locator('#detail').innerText()).toContain('no qbase privilege');
    });

    it('copies a curl with ACCESS_TOKEN that, run with the real token, gets the same answer', async () => {
      const { page, context } = await open(mock);
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mock.url });
      await live(page);
      await callApi(mock, { env: 'prod-1', limit: 'many' });
      await rowWith(page, '47001').waitFor({ timeout: 2000 });
      await rowWith(page, '47001').locator('button').click();
      await page.click('#copy-curl');
      await page.waitForFunction(() => document.querySelector('#notice')?.textContent?.startsWith('Copied'));
      const curl = await page.evaluate(() => navigator.clipboard.readText());
      expect(curl).toBe(await page.locator('#detail [data-part="curl"]').innerText());
      expect(curl).toContain('access_token=ACCESS_TOKEN');
      expect(curl).not.toContain('tok-cl');
      const { stdout } = await run('sh', ['-c', curl.replace('ACCESS_TOKEN', CLIENT_TOKEN)]);
      expect(JSON.parse(stdout).errcode).toBe(47001);
    });

    it('lists requests of every endpoint, and shows the component tokens issued', async () => {
      const { page } = await open(mock, '#control');
      await page.locator('#token-table[data-loaded]').waitFor({ state: 'attached', timeout: 2000 });
      expect(await page.locator('#issued-none').isVisible()).toBe(true);
      const res = await fetch(`${mock.url}/cgi-bin/component/api_component_token`, {
        method: 'POST',
        body: JSON.stringify({
          component_appid: 'wx-component-1',
          component_appsecret: 'secret-1',
          component_verify_ticket: 'ticket-1',
        }),
      });
      const issued = (await res.json()) as { component_access_token: string };
      expect(issued.component_access_token).toBeTruthy();
      await callApi(mock, { env: 'prod-1' }, issued.component_access_token);
      await page.click('#tabs a[href="#requests"]');
      await rowWith(page, '/cgi-bin/component/api_component_token').waitFor({ timeout: 2000 });
      expect(await page.locator('#journal-table tbody tr').count()).toBe(2);
      await page.click('#tabs a[href="#control"]');
      await page.locator('#issued-table tbody tr', { hasText: 'wx-component-1' }).waitFor({ timeout: 2000 });
      expect(await page.locator('#issued-table tbody tr').first().innerText()).toContain('valid');
    });

    it("shows an invocation's event and decoded result, and the authorizers with their issued tokens", async () => {
      await controlApi(mock, 'PUT', '/envs/inv-1', {
        functions: [{ name: 'hello', status: 'Active' }],
        scripts: { hello: { result: { doubled: '$event.n' } } },
      });
      await controlApi(mock, 'POST', '/components/wx-component-1/authorizers', {
        authorizer_appid: 'wx-authorizer-1',
        refresh_token: 'refreshtoken@@@one',
        envs: ['inv-1'],
      });
      const authorized = await fetch(
        `${mock.url}/cgi-bin/component/api_authorizer_token?component_access_token=${CLIENT_TOKEN}`,
        {
          method: 'POST',
          body: JSON.stringify({
            component_appid: 'wx-component-1',
            authorizer_appid: 'wx-authorizer-1',
            authorizer_refresh_token: 'refreshtoken@@@one',
          }),
        },
      );
      const { authorizer_access_token: token } = (await authorized.json()) as { authorizer_access_token: string };
      await fetch(`${mock.url}/tcb/invokecloudfunction?access_token=${token}&env=inv-1&name=hello`, {
        method: 'POST',
        body: '{"n":21}',
      });
      const { page, problems } = await open(mock);
      await rowWith(page, '/tcb/invokecloudfunction').locator('button').click();
      expect(await rowWith(page, '/tcb/invokecloudfunction').innerText()).toContain('inv-1');
      expect(JSON.parse(await page.locator('#detail [data-part="event"]').innerText())).toEqual({ n: 21 });
      expect(JSON.parse(await page.locator('#detail [data-part="result"]').innerText())).toEqual({ doubled: 21 });
      await page.click('#tabs a[href="#control"]');
      const authorizer = page.locator('#authorizer-table tbody tr', { hasText: 'wx-authorizer-1' });
      await authorizer.waitFor({ timeout: 2000 });
      expect(await authorizer.innerText()).toContain('inv-1');
      const issuedRow = page.locator('#authorizer-issued-table tbody tr', { hasText: 'wx-authorizer-1' });
      expect(await issuedRow.innerText()).toContain('valid');
      expect(problems).toEqual([]);
    });

    it('filters by errcode and env, and says how many requests the ring buffer dropped', async () => {
      await controlApi(smallMock, 'POST', '/reset');
      for (const env of ['prod-1', 'legacy', 'nope', 'prod-1', 'legacy', 'test-2']) await callApi(smallMock, { env });
      const { page } = await open(smallMock);
      await live(page);
      await page.locator('#dropped').waitFor({ timeout: 2000 });
      expect(await page.locator('#dropped').innerText()).toContain('dropped 2');
      const rows = page.locator('#journal-table tbody tr');
      expect(await rows.count()).toBe(4);
      await page.selectOption('#filter-errcode', '85088');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().innerText()).toContain('legacy');
      await page.selectOption('#filter-errcode', 'errors');
      expect(await rows.count()).toBe(2);
      await page.selectOption('#filter-errcode', '');
      await page.selectOption('#filter-env', 'prod-1');
      expect(await rows.count()).toBe(1);
      expect(await page.locator('#journal-count').innerText()).toBe('1 of 4 shown');
    });

    it('filters by the whole token or its SHA-256, and by component_appid, as GET /__mock/requests does', async () => {
      await controlApi(smallMock, 'POST', '/reset');
      await callApi(smallMock, { env: 'prod-1' }, 'tok-one');
      await callApi(smallMock, { env: 'prod-1' }, 'tok-two');
      await fetch(`${smallMock.url}/cgi-bin/component/api_component_token`, {
        method: 'POST',
        body: JSON.stringify({
          component_appid: 'wx-filter-me',
          component_appsecret: 's',
          component_verify_ticket: 't',
        }),
      });
      const { page } = await open(smallMock);
      await live(page);
      const rows = page.locator('#journal-table tbody tr');
      await rows.nth(2).waitFor({ timeout: 2000 });
      await page.fill('#filter-token', 'tok-two');
      await page.locator('#journal-count', { hasText: '1 of 3 shown' }).waitFor({ timeout: 2000 });
      const sha = createHash('sha256').update('tok-one').digest('hex').toUpperCase();
      await page.fill('#filter-token', sha);
      await page.locator('#journal-count', { hasText: '1 of 3 shown' }).waitFor({ timeout: 2000 });
      await page.fill('#filter-token', '');
      await page.fill('#filter-appid', 'wx-filter-me');
      await page.locator('#journal-count', { hasText: '1 of 3 shown' }).waitFor({ timeout: 2000 });
      expect(await rows.first().innerText()).toContain('api_component_token');
    });
  });

  describe('control', () => {
    it('queues a fault from the page, and the next API requests fail that way', async () => {
      const { page, problems } = await open(mock, '#control');
      await page.fill('#fault-errcode', '45011');
      await page.fill('#fault-times', '2');
      expect(await page.locator('#fault-preview').innerText()).toBe('{"errcode":45011,"times":2}');
      await page.click('#fault-form button[type="submit"]');
      await page.locator('#fault-list li', { hasText: 'errcode 45011' }).waitFor({ timeout: 2000 });
      expect((await callApi(mock, { env: 'prod-1' })).errcode).toBe(45011);
      expect((await callApi(mock, { env: 'prod-1' })).errcode).toBe(45011);
      expect((await callApi(mock, { env: 'prod-1' })).errcode).toBe(0);

      await page.selectOption('#fault-kind', 'http_status');
      await page.selectOption('#fault-status', '503');
      await page.fill('#fault-times', '1');
      await page.click('#fault-form button[type="submit"]');
      await page.locator('#fault-list li', { hasText: 'HTTP 503' }).waitFor({ timeout: 2000 });
      expect((await callApi(mock, { env: 'prod-1' })).status).toBe(503);

      await page.selectOption('#fault-kind', 'drop');
      await page.click('#fault-form button[type="submit"]');
      await page.locator('#fault-list li', { hasText: 'drop the connection' }).waitFor({ timeout: 2000 });
      await page.click('#clear-faults');
      await page.locator('#fault-list li', { hasText: 'none' }).waitFor({ timeout: 2000 });
      expect((await callApi(mock, { env: 'prod-1' })).errcode).toBe(0);

      // Limited to one endpoint: the others answer normally.
      await page.selectOption('#fault-kind', 'errcode');
      await page.fill('#fault-errcode', '-1');
      await page.selectOption('#fault-path', '/componenttcb/describeenvs');
      await page.click('#fault-form button[type="submit"]');
      await page.locator('#fault-list li', { hasText: 'to /componenttcb/describeenvs' }).waitFor({ timeout: 2000 });
      expect((await callApi(mock, { env: 'prod-1' })).errcode).toBe(0);
      const describe = await fetch(`${mock.url}/componenttcb/describeenvs?access_token=${CLIENT_TOKEN}`, {
        method: 'POST',
        body: '{}',
      });
      expect(((await describe.json()) as { errcode: number }).errcode).toBe(-1);
      expect(problems).toEqual([]);
    });

    it('queues a fault carrying one token from the page: only that token takes it; clears by the same fields', async () => {
      const { page, problems } = await open(mock, '#control');
      await controlApi(mock, 'DELETE', '/faults');
      await page.selectOption('#fault-kind', 'errcode');
      await page.fill('#fault-errcode', '45009');
      await page.fill('#fault-times', '2');
      await page.fill('#fault-match-token', 'tok-mine');
      await page.fill('#fault-match-env', 'prod-1');
      expect(JSON.parse(await page.locator('#fault-preview').innerText())).toEqual({
        errcode: 45009,
        times: 2,
        match: { env: 'prod-1', access_token: 'tok-mine' },
      });
      await page.click('#fault-form button[type="submit"]');
      await page
        .locator('#fault-list li', { hasText: 'carrying env prod-1 and token tok-mine' })
        .waitFor({ timeout: 2000 });
      expect((await callApi(mock, { env: 'prod-1' })).errcode).toBe(0);
      expect((await callApi(mock, { env: 'test-2' }, 'tok-mine')).errcode).toBe(0);
      expect((await callApi(mock, { env: 'prod-1' }, 'tok-mine')).errcode).toBe(45009);
      await page.fill('#fault-match-env', '');
      await page.click('#clear-matched-faults');
      await page.locator('#fault-list li', { hasText: 'none' }).waitFor({ timeout: 2000 });
      expect((await callApi(mock, { env: 'prod-1' }, 'tok-mine')).errcode).toBe(0);
      await page.fill('#fault-match-token', '');
      expect(problems).toEqual([]);
    });

    it('shows the control API refusal of a bad fault, and changes nothing', async () => {
      const { page } = await open(mock, '#control');
      await page.fill('#fault-errcode', '0');
      await page.click('#fault-form button[type="submit"]');
      await page.waitForFunction(() => document.querySelector('#notice')?.classList.contains('error'));
      expect(await page.locator('#notice').innerText()).toContain('errcode');
      expect(await controlApi(mock, 'GET', '/faults')).toEqual({ faults: [] });
    });

    it('resets to the start-up data from the page', async () => {
      await controlApi(mock, 'DELETE', '/envs/prod-1');
      await controlApi(mock, 'PUT', '/envs/extra', { generate: 3 });
      await controlApi(mock, 'PUT', '/tokens', { 'tok-a': 'valid' });
      await controlApi(mock, 'POST', '/faults', { errcode: -1 });
      const { page } = await open(mock, '#control');
      await page.click('#reset');
      await page.waitForFunction(() => document.querySelector('#notice')?.textContent?.startsWith('Reset'));
      const { envs } = await controlApi(mock, 'GET', '/envs');
      expect(envs.map((env: { env: string }) => env.env)).toEqual(START_ENVS);
      expect((await controlApi(mock, 'GET', '/tokens')).tokens).toEqual({});
      expect((await callApi(mock, { env: 'prod-1' })).errcode).toBe(0);
      await page.click('#tabs a[href="#envs"]');
      await page.locator('#env-table button[data-env="prod-1"]').waitFor({ timeout: 2000 });
      expect(await page.locator('#env-table tbody button').allInnerTexts()).toEqual(START_ENVS);
    });

    it('edits the token table, and the API answers by it', async () => {
      const { page } = await open(mock, '#control');
      await page.locator('#token-table[data-loaded]').waitFor({ state: 'attached', timeout: 2000 });
      await page.click('#token-add');
      await page.locator('#token-table tbody tr').nth(0).locator('input').fill('tok-ok');
      await page.click('#token-add');
      const second = page.locator('#token-table tbody tr').nth(1);
      await second.locator('input').fill('tok-old');
      await second.locator('select').selectOption('expired');
      await page.click('#token-form button[type="submit"]');
      await page.waitForFunction(() => document.querySelector('#notice')?.textContent === 'Saved 2 tokens.');
      expect((await controlApi(mock, 'GET', '/tokens')).tokens).toEqual({ 'tok-ok': 'valid', 'tok-old': 'expired' });
      expect((await callApi(mock, { env: 'prod-1' }, 'tok-ok')).errcode).toBe(0);
      expect((await callApi(mock, { env: 'prod-1' }, 'tok-old')).errcode).toBe(42001);
      expect((await callApi(mock, { env: 'prod-1' }, 'tok-other')).errcode).toBe(40001);
      for (let i = 0; i < 2; i++) await page.locator('#token-table tbody tr button').first().click();
      await page.click('#token-form button[type="submit"]');
      await page.waitForFunction(() => document.querySelector('#notice')?.textContent?.startsWith('Saved: no tokens'));
      expect((await callApi(mock, { env: 'prod-1' }, 'tok-other')).errcode).toBe(0);
      // The mode alone, the table untouched: a token not listed is refused, then accepted again.
      expect(await page.locator('#token-check').inputValue()).toBe('any');
      await page.selectOption('#token-check', 'listed');
      await page.waitForFunction(() => document.querySelector('#notice')?.textContent?.includes('answer 40001'));
      expect((await callApi(mock, { env: 'prod-1' }, 'tok-other')).errcode).toBe(40001);
      await page.selectOption('#token-check', 'any');
      await page.waitForFunction(() => document.querySelector('#notice')?.textContent?.includes('now accepted'));
      expect((await callApi(mock, { env: 'prod-1' }, 'tok-other')).errcode).toBe(0);
    });
  });

  describe('text from clients and data', () => {
    it('shows markup in a function name, env, errmsg, token or appid as text, never as HTML', async () => {
      const markup = '<img src=x onerror="window.__injected=1"><b>bold</b>';
      await controlApi(mock, 'PUT', '/envs/markup-1', {
        functions: [{ name: markup, status_reason: [{ errcode: markup, errmsg: markup }] }],
      });
      await controlApi(mock, 'PUT', '/tokens', { [markup]: 'valid' });
      await controlApi(mock, 'POST', '/faults', { errcode: -1, errmsg: markup });
      expect((await callApi(mock, { env: markup }, markup)).errcode).toBe(-1);
      await callApi(mock, { env: markup, searchkey: markup }, markup);
      await fetch(`${mock.url}/cgi-bin/component/api_component_token`, {
        method: 'POST',
        body: JSON.stringify({
          component_appid: markup,
          component_appsecret: 'secret-1',
          component_verify_ticket: 'ticket-1',
        }),
      });
      await controlApi(mock, 'POST', '/faults', { errcode: -1, errmsg: markup });
      const { page, problems } = await open(mock);
      await live(page);
      await rowWith(page, `-1 ${markup}`).waitFor({ timeout: 2000 });
      await rowWith(page, `-1 ${markup}`).locator('button').click();
      expect(await page.locator('#detail').innerText()).toContain(markup);
      await page.click('#tabs a[href="#envs"]');
      await page.locator('#env-table button[data-env="markup-1"]').click();
      await page.locator('#fn-table tbody td.mono', { hasText: markup }).waitFor({ timeout: 2000 });
      await page.click('#tabs a[href="#control"]');
      await page.locator('#fault-list li', { hasText: markup }).waitFor({ timeout: 2000 });
      await page.locator('#issued-table tbody tr', { hasText: markup }).waitFor({ timeout: 2000 });
      expect(await page.locator('#token-table tbody input').first().inputValue()).toBe(markup);
      expect(await page.evaluate(() => document.querySelectorAll('img, b').length)).toBe(0);
      expect(await page.evaluate(() => (window as { __injected?: number }).__injected)).toBeUndefined();
      expect(problems).toEqual([]);
    });
  });

  describe('envs and functions', () => {
    it('lists each env with its size and qbase', async () => {
      const { page } = await open(mock, '#envs');
      await page.locator('#env-table tbody tr').nth(2).waitFor({ timeout: 2000 });
      const rows = await page.locator('#env-table tbody tr').allInnerTexts();
      expect(rows.map((row) => row.split('\t').slice(0, 3))).toEqual([
        ['prod-1', '30', 'true'],
        ['test-2', '2', 'true'],
        ['legacy', '0', 'false: answers 85088'],
      ]);
    });

    it('pages and searches an env of 100,000 functions within 1 s per action, as the API does', async () => {
      const { page, problems } = await open(bigMock, '#envs');
      const range = () => page.locator('#fn-range').innerText();
      const names = () => page.locator('#fn-table tbody td.mono').allInnerTexts();
      const apiNames = async (body: object) =>
        JSON.parse((await callApi(bigMock, { env: 'huge', ...body })).text).functions.map(
          (fn: { name: string }) => fn.name,
        );
      /** Does one action and waits at most 1 s for the range it should show. */
      const act = async (action: () => Promise<unknown>, expected: string) => {
        await action();
        await page.waitForFunction((text) => document.querySelector('#fn-range')?.textContent === text, expected, {
          timeout: 1000,
        });
      };
      await page.locator('#env-table button[data-env="huge"]').waitFor({ timeout: 2000 });
      await act(() => page.click('#env-table button[data-env="huge"]'), '1–20 of 100,000');
      expect(await names()).toEqual(await apiNames({}));
      await act(() => page.click('#fn-next'), '21–40 of 100,000');
      await act(() => page.click('#fn-last'), '99,981–100,000 of 100,000');
      expect(await names()).toEqual(await apiNames({ offset: 99_980 }));
      expect(await page.locator('#fn-next').isDisabled()).toBe(true);
      const search = JSON.parse((await callApi(bigMock, { env: 'huge', searchkey: 'user' })).text).total_count;
      expect(search).toBeGreaterThan(20);
      await act(() => page.fill('#fn-search', 'user'), `1–20 of ${search.toLocaleString('en')} matching`);
      expect(await names()).toEqual(await apiNames({ searchkey: 'user' }));
      await act(
        () => page.selectOption('#fn-limit', '100'),
        `1–${Math.min(100, search)} of ${search.toLocaleString('en')} matching`,
      );
      await act(() => page.fill('#fn-search', 'no-such-function-here'), 'no function matches');
      expect(await range()).toBe('no function matches');
      expect(problems).toEqual([]);
    });
  });

  describe('with --control-token', () => {
    it('serves the page without the token, asks for it once, and keeps it for the tab only', async () => {
      const { page, context, problems } = await open(tokenMock);
      await page.locator('#gate-token').waitFor({ state: 'visible', timeout: 2000 });
      expect(await page.locator('#tabs').isHidden()).toBe(true);
      await page.waitForTimeout(700); // a poll would have happened by now
      expect(problems).toEqual([]); // no request was sent without the token

      await page.fill('#gate-token', 'not-the-token-1');
      await page.click('#gate-form button');
      await page.waitForFunction(() => document.querySelector('#gate-error')?.textContent?.includes('refused'));
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

      await page.fill('#gate-token', CONTROL_TOKEN);
      await page.click('#gate-form button');
      await live(page);
      await callApi(tokenMock, { env: 'test-2' });
      await rowWith(page, 'test-2').waitFor({ timeout: 2000 });
      expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([1, 0]);
      expect(await context.cookies()).toEqual([]);

      await page.reload();
      await live(page);
      expect(await page.locator('#gate').isHidden()).toBe(true);

      const other = await open(tokenMock);
      await other.page.locator('#gate-token').waitFor({ state: 'visible', timeout: 2000 });
    });
  });

  describe('with --no-control', () => {
    it('answers a short page saying the control API is off and how to turn it on', async () => {
      const { page, problems, response } = await open(offMock);
      expect(response?.status()).toBe(200);
      expect(await page.locator('h2').innerText()).toBe('The control API is off');
      const text = await page.locator('main').innerText();
      expect(text).toContain('--no-control');
      expect(text).toContain('npx wechat-scf-kit serve');
      expect(problems).toEqual([]);
    });
  });

  describe('keyboard and small screens', () => {
    it('reaches every control with Tab, and opens a request with Enter', async () => {
      const { page } = await open(mock);
      await live(page);
      await callApi(mock, { env: 'nope' });
      await rowWith(page, '40097').waitFor({ timeout: 2000 });
      const reached: string[] = [];
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press('Tab');
        reached.push(
          await page.evaluate(() => {
            const active = document.activeElement as HTMLElement;
            return active.id || active.getAttribute('href') || active.getAttribute('aria-label') || active.tagName;
          }),
        );
        if (reached.at(-1)?.startsWith('Show request')) break;
      }
      expect(reached).toEqual(
        expect.arrayContaining(['#requests', '#envs', '#control', 'filter-errcode', 'filter-env', 'clear-journal']),
      );
      expect(reached.at(-1)).toMatch(/^Show request \d+$/);
      await page.keyboard.press('Enter');
      expect(await page.locator('#detail h2').innerText()).toContain(GETSCFLIST_PATH);

      // Every control on every panel is a native, focusable element with a name.
      for (const hash of ['#envs', '#control']) {
        await page.click(`#tabs a[href="${hash}"]`);
        if (hash === '#envs') await page.click('button[data-env="prod-1"]');
        const unnamed = await page.evaluate(() =>
          [...document.querySelectorAll('main button, main input, main select')]
            .filter((element) => (element as HTMLElement).offsetParent !== null)
            .filter((element) => {
              const input = element as HTMLInputElement;
              return (
                input.tabIndex < 0 ||
                !(input.labels?.length || element.getAttribute('aria-label') || element.textContent?.trim())
              );
            })
            .map((element) => element.outerHTML.slice(0, 80)),
        );
        expect(unnamed, hash).toEqual([]);
      }
    });

    it('fits 390 px without sideways page scrolling; wide tables scroll in their own box', async () => {
      const { page, problems } = await open(mock, '', { width: 390, height: 844 });
      await live(page);
      await callApi(mock, { env: 'prod-1', searchkey: 'a-rather-long-searchkey-that-would-push-things-wide' });
      await rowWith(page, 'prod-1').waitFor({ timeout: 2000 });
      await rowWith(page, 'prod-1').locator('button').click();
      const overflow = () =>
        page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(await overflow()).toBe(0);
      const box = await page.evaluate(() => {
        const scroller = document.querySelector('#journal-table')?.parentElement as HTMLElement;
        return { overflowX: getComputedStyle(scroller).overflowX, wider: scroller.scrollWidth > scroller.clientWidth };
      });
      expect(box).toEqual({ overflowX: 'auto', wider: true });
      await page.click('#tabs a[href="#envs"]');
      await page.click('button[data-env="prod-1"]');
      await page.locator('#fn-table tbody tr').first().waitFor({ timeout: 2000 });
      expect(await overflow()).toBe(0);
      await page.click('#tabs a[href="#control"]');
      await page.click('#token-add');
      expect(await overflow()).toBe(0);
      expect(problems).toEqual([]);
    });
  });

  describe('screenshots', () => {
    it('writes a 1280x800 and a 390x844 screenshot that are not blank', async () => {
      const { page, context } = await open(mock);
      await live(page);
      await callApi(mock, { env: 'prod-1', limit: 2 });
      await callApi(mock, { env: 'test-2' });
      await callApi(mock, { env: 'legacy' });
      await callApi(mock, { env: 'prod-1', offset: 'x' });
      await callApi(mock, { env: 'prod-1' }, '');
      await controlApi(mock, 'POST', '/faults', { http_status: 502 });
      await callApi(mock, { env: 'prod-1', searchkey: 'user' });
      await callApi(mock, { env: 'staging-9' });
      await rowWith(page, '40097').waitFor({ timeout: 2000 });
      await rowWith(page, '47001').locator('button').click();
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const shots: [string, { width: number; height: number }][] = [
        ['dashboard-1280x800.png', { width: 1280, height: 800 }],
        ['dashboard-390x844.png', { width: 390, height: 844 }],
      ];
      const blank = await context.newPage(); // about:blank: no page CSP in the way of a data: image
      for (const [name, size] of shots) {
        await page.setViewportSize(size);
        await page.evaluate(() => window.scrollTo(0, 0));
        const png = await page.screenshot();
        await writeFile(join(SCREENSHOT_DIR, name), png);
        const stats = await blank.evaluate(async (base64) => {
          const image = new Image();
          image.src = `data:image/png;base64,${base64}`;
          await image.decode();
          const canvas = document.createElement('canvas');
          canvas.width = image.width;
          canvas.height = image.height;
          const context2d = canvas.getContext('2d') as CanvasRenderingContext2D;
          context2d.drawImage(image, 0, 0);
          const { data } = context2d.getImageData(0, 0, image.width, image.height);
          const colours = new Set<number>();
          let dark = 0;
          for (let i = 0; i < data.length; i += 4) {
            colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
            if (data[i] + data[i + 1] + data[i + 2] < 300) dark += 1;
          }
          return { width: image.width, height: image.height, colours: colours.size, dark: dark / (data.length / 4) };
        }, png.toString('base64'));
        expect(stats.width, name).toBe(size.width);
        expect(stats.height, name).toBe(size.height);
        expect(stats.colours, name).toBeGreaterThan(50);
        expect(stats.dark, name).toBeGreaterThan(0.01);
      }
    });
  });
});
