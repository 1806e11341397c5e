// End-to-end test of `chronicle serve` in a real browser: Debian's headless Chromium driven by
// playwright-core. It starts the real binary on an ephemeral loopback port over a fresh ledger,
// ingests the sample reports (examples/reports) through the API and a hostile report through the
// page's upload form, then checks what a person would see: the timeline and the charts render, a
// chart point leads to its source sentence, and nothing in the hostile report executes.
//
// Run: cargo build --release -p chronicle && npm ci && node --test crates/server/tests/browser/
// Environment: CHRONICLE_BIN (default target/release/chronicle), CHROMIUM (default
// /usr/bin/chromium), SCREENSHOT_DIR (default target/browser). Skips, saying why, when Chromium
// or playwright-core is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const binary = process.env.CHRONICLE_BIN || path.join(repo, 'target/release/chronicle');
const shots = process.env.SCREENSHOT_DIR || path.join(repo, 'target/browser');

// The flags the browser must run with here (no sandbox as root, no network but loopback).
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// A report written to attack the page: markup and event handlers in its text and its title.
const HOSTILE_REPORT = [
  "<script>window.__xss = 'script'; alert('script')</script>",
  'PARIS, June 2, 2016 - Coalition ministers met in Paris on June 2, 2016 <img src=x onerror="window.__xss=\'img\'; alert(\'img\')"> ',
  'to review the campaign against Daesh <svg onload="window.__xss=\'svg\'"></svg>.',
  'The coalition now has 66 members <b onmouseover="alert(1)">"bold"</b> & more, officials said.',
].join('\n');
const HOSTILE_TITLE = "<img src=x onerror=\"window.__xss='title'\">Hostile report";

async function loadPlaywright() {
  try {
    return (await import('playwright-core')).chromium;
  } catch (e) {
    return null;
  }
}

/** Starts `chronicle serve` on a free loopback port; resolves with its base URL. */
function startServer(ledger) {
  const child = spawn(binary, ['serve', '--ledger', ledger, '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    child.on('exit', (code) => reject(new Error(`chronicle serve exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error('chronicle serve did not start within 30 s: ' + stderr)), 30000);
  });
  return { child, url };
}

async function ingestSamples(base) {
  const dir = path.join(repo, 'examples/reports');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  assert.ok(files.length > 0, 'examples/reports holds the sample reports');
  for (const f of files) {
    const r = await fetch(base + 'api/documents?id=' + encodeURIComponent(f), {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: fs.readFileSync(path.join(dir, f)),
    });
    assert.ok(r.status === 201 || r.status === 200, `ingest ${f}: ${r.status} ${await r.text()}`);
  }
  return files.length;
}

test('chronicle serve in headless Chromium', async (t) => {
  const chromium = await loadPlaywright();
  if (!chromium) return t.skip('playwright-core is not installed: run `npm ci` at the repository root');
  if (!fs.existsSync(chromiumPath)) return t.skip(`no Chromium at ${chromiumPath}: apt-get install -y chromium chromium-driver`);
  if (!fs.existsSync(binary)) {
    if (process.env.CHRONICLE_BIN) assert.fail(`CHRONICLE_BIN=${binary} does not exist`);
    return t.skip(`no chronicle binary at ${binary}: run cargo build --release -p chronicle first`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chronicle-e2e-'));
  fs.mkdirSync(shots, { recursive: true });
  const server = startServer(path.join(tmp, 'ledger.db'));
  let context;
  try {
    const base = await server.url;
    const samples = await ingestSamples(base);

    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      chromiumSandbox: false,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    // Records anything that runs or is blocked: dialogs, CSP violations, script errors.
    const incidents = [];
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__violations = (window.__violations || []).concat(e.violatedDirective + ' ' + e.blockedURI);
      });
    });
    const page = context.pages()[0] || (await context.newPage());
    page.on('dialog', (d) => {
      incidents.push('dialog: ' + d.message());
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => incidents.push('page error: ' + e.message));

    await t.test('the overview shows the timeline and a chart', async () => {
      await page.goto(base);
      await page.waitForSelector('svg.chart a.point', { timeout: 15000 });
      await page.waitForSelector('ol.timeline li.event');
      const stats = await page.textContent('#stats');
      assert.match(stats, new RegExp('^' + samples + ' documents'));
      const points = await page.locator('svg.chart a.point').count();
      const events = await page.locator('ol.timeline li.event').count();
      assert.ok(points > 0 && events > 0, `points ${points}, events ${events}`);
      await page.screenshot({ path: path.join(shots, 'overview.png'), fullPage: true });
    });

    await t.test('a chart point leads to its source sentence', async () => {
      const point = page.locator('svg.chart a.point').first();
      const text = await point.getAttribute('data-text');
      const doc = await point.getAttribute('data-doc');
      await Promise.all([page.waitForURL(/\/doc\/.*#source$/), point.click()]);
      assert.ok(decodeURIComponent(new URL(page.url()).pathname).endsWith('/doc/' + doc));
      const source = page.locator('#source');
      assert.equal(await source.textContent(), text);
      const sentence = page.locator('.source-sentence');
      assert.equal(await sentence.count(), 1);
      assert.ok((await sentence.textContent()).includes(text));
      assert.equal(await page.locator('.source-sentence #source').count(), 1, 'the source span sits in its sentence');
      await page.screenshot({ path: path.join(shots, 'source-sentence.png') });
    });

    await t.test('a hostile report uploaded through the form executes nothing', async () => {
      await page.goto(base + '#/upload');
      await page.waitForSelector('#upload-form');
      await page.setInputFiles('#upload-form input[type=file]', {
        name: 'hostile.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from(HOSTILE_REPORT),
      });
      await page.fill('#upload-form input[name=title]', HOSTILE_TITLE);
      await page.click('#upload-form button[type=submit]');
      await page.waitForSelector('#upload-result a');
      assert.match(await page.textContent('#upload-result'), /1 stored/);

      // Every view that shows document text: the document, search, timeline, series, overview.
      const views = [
        base + 'doc/hostile.txt',
        base + '#/search?q=onerror',
        base + '#/search?q=coalition',
        base + '#/timeline',
        base + '#/series/coalition_members',
        base + '#/documents',
        base,
      ];
      for (const url of views) {
        await page.goto(url);
        await page.waitForLoadState('networkidle');
        await page.waitForFunction(() => !document.getElementById('view') || document.getElementById('view').getAttribute('aria-busy') === 'false');
        const state = await page.evaluate(() => ({
          xss: window.__xss,
          inlineScripts: document.querySelectorAll('script:not([src])').length,
          injected: document.querySelectorAll('main img, main svg [onload], main [onerror], main [onmouseover]').length,
          violations: window.__violations || [],
        }));
        assert.equal(state.xss, undefined, `${url}: a script ran`);
        assert.equal(state.inlineScripts, 0, `${url}: an inline script element exists`);
        assert.equal(state.injected, 0, `${url}: markup from the report became elements`);
        assert.deepEqual(state.violations, [], `${url}: CSP violations`);
      }
      // The markup is shown as text.
      await page.goto(base + 'doc/hostile.txt');
      const shown = await page.textContent('#text');
      assert.ok(shown.includes("<script>window.__xss = 'script'"), 'the script tag is visible as text');
      assert.ok(shown.includes('onerror='), 'the handler is visible as text');
      assert.ok((await page.textContent('h1')).includes('<img src=x'), 'the title is shown as text');
      await page.goto(base + '#/search?q=onerror');
      await page.waitForSelector('ol.hits li');
      assert.ok((await page.textContent('ol.hits')).includes('<img src=x onerror='));
      await page.screenshot({ path: path.join(shots, 'hostile-search.png'), fullPage: true });
      assert.deepEqual(incidents, []);
    });

    await t.test('the page is readable on a phone', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(base);
      await page.waitForSelector('svg.chart a.point');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
      await page.screenshot({ path: path.join(shots, 'phone.png'), fullPage: false });
    });
    console.log(`screenshots: ${shots}`);
  } finally {
    if (context) await context.close();
    server.child.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
