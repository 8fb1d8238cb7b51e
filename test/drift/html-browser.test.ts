/**
 * The drift report page in a real browser: Debian's Chromium (/usr/bin/chromium), driven by playwright-core
 * (which never downloads a browser). The page is loaded from a file with every network request refused and
 * recorded; it must render, draw its chart, sort its table, run its own script under its CSP (and nothing
 * else), and show the hostile function name as text. A screenshot is saved to test-artifacts/drift-report.png
 * for a person to look at.
 *
 * Skipped, with a message, only when /usr/bin/chromium is not installed (`.ci/run` installs it in CI).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDriftHtml } from '../../src/core/drift/render-html.js';
import { sampleDriftReport } from '../support/drift-sample.js';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const HOSTILE_SHOWN = 'evil<script>alert(1)</script>|*x*\\u001b[31m';
const TIMEOUT = 60_000;

if (!HAS_CHROMIUM) console.warn(`html-browser.test.ts skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(!HAS_CHROMIUM)('the drift report page in Chromium', () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  let pageUrl: string;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'policy-trim-drift-html-'));
    const file = join(dir, 'drift-report.html');
    writeFileSync(file, renderDriftHtml(sampleDriftReport()));
    pageUrl = pathToFileURL(file).href;
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      offline: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // Whatever the page asks for beyond itself is refused (and recorded above).
    await context.route('**/*', (route) => (route.request().url() === pageUrl ? route.continue() : route.abort('blockedbyclient')));
    await page.goto(pageUrl, { waitUntil: 'load' });
  }, TIMEOUT * 2);

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);

  /** The role names of the table's rows, top to bottom. */
  const roleOrder = () => page.$$eval('#roles-table tbody tr', (rows) => rows.map((r) => (r as unknown as { cells: { textContent: string }[] }).cells[1]!.textContent.trim()));

  it('renders the page: title, a row per role, a section per role', async () => {
    expect(await page.title()).toBe('policy-trim drift report — 2026-11-01');
    expect(await page.locator('#roles-table tbody tr').count()).toBe(3);
    expect(await page.locator('section.role').count()).toBe(3);
    expect(await roleOrder()).toEqual(['orders-api-role', 'reports-role', 'quiet-role']);
  }, TIMEOUT);

  it('draws the chart: an svg with one bar group per role, each with visible segments', async () => {
    const bars = page.locator('svg.chart g.bar');
    expect(await bars.count()).toBe(3);
    const box = await page.locator('svg.chart').boundingBox();
    expect(box!.width).toBeGreaterThan(400);
    expect(await page.locator('svg.chart g.bar rect.used').count()).toBe(3);
    expect(await page.locator('svg.chart g.bar rect.unused').count()).toBe(2);
  }, TIMEOUT);

  it('sorts by a column on a click on its header, and reverses on the next; aria-sort follows', async () => {
    const unused = page.locator('#roles-table thead th', { hasText: /^Unused$/ });
    await unused.locator('button').click();
    expect(await roleOrder()).toEqual(['orders-api-role', 'reports-role', 'quiet-role']);
    expect(await unused.getAttribute('aria-sort')).toBe('descending');
    expect(await page.locator('#roles-table thead th', { hasText: 'Rank' }).getAttribute('aria-sort')).toBe('none');
    await unused.locator('button').click();
    expect(await roleOrder()).toEqual(['quiet-role', 'reports-role', 'orders-api-role']);
    expect(await unused.getAttribute('aria-sort')).toBe('ascending');
    // Numbers sort as numbers: granted 12, 30, 2 descending is 30, 12, 2 (as text it would be 30, 2, 12).
    await page.locator('#roles-table thead th', { hasText: 'Granted' }).locator('button').click();
    expect(await roleOrder()).toEqual(['reports-role', 'orders-api-role', 'quiet-role']);
    // A text column sorts ascending first.
    await page.locator('#roles-table thead th', { hasText: /^Role$/ }).locator('button').click();
    expect(await roleOrder()).toEqual(['orders-api-role', 'quiet-role', 'reports-role']);
    await page.locator('#roles-table thead th', { hasText: 'Rank' }).locator('button').click();
    await page.locator('#roles-table thead th', { hasText: 'Rank' }).locator('button').click();
    expect(await roleOrder()).toEqual(['orders-api-role', 'reports-role', 'quiet-role']);
  }, TIMEOUT);

  it('shows the hostile function name as text, and no script of it ran', async () => {
    const functions = await page.locator('#role-2 dl.facts dd').nth(1).textContent();
    expect(functions).toBe(HOSTILE_SHOWN);
    expect(await page.getByText('arn:aws:s3:::reports/<b>x</b>', { exact: true }).first().isVisible()).toBe(true);
    // (The test file has no DOM types: expressions run in the page are written as strings.)
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('b', { hasText: 'x' }).count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    // The CSP let the page's own style and script run: nothing was refused.
    expect(consoleErrors).toEqual([]);
    const styled = await page.evaluate("getComputedStyle(document.querySelector('#roles-table thead th')).position");
    expect(styled).toBe('sticky');
  }, TIMEOUT);

  it('asked the network for nothing but the page itself', async () => {
    expect(requests).toEqual([pageUrl]);
  }, TIMEOUT);

  it('(the recorder sees and refuses a request when a page makes one)', async () => {
    const other = await context.newPage();
    const seen: string[] = [];
    other.on('request', (r) => seen.push(r.url()));
    const failed = new Promise<string>((resolve) => other.on('requestfailed', (r) => resolve(r.url())));
    await other.setContent('<img src="http://drift-report.invalid/x.png">');
    expect(await failed).toBe('http://drift-report.invalid/x.png');
    expect(seen).toEqual(['http://drift-report.invalid/x.png']);
    await other.close();
  }, TIMEOUT);

  it('saves a screenshot for a person to look at (test-artifacts/drift-report.png)', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.evaluate('window.scrollTo(0, 0)');
    const path = join(ARTIFACTS, 'drift-report.png');
    await page.screenshot({ path, fullPage: true });
    expect(existsSync(path)).toBe(true);
  }, TIMEOUT);
});
