#!/usr/bin/env node
// Browser test (CTest label `browser`): the operator dashboard of a real `nzeza run` (paper, the
// simulated market, the API on a port picked here) in headless chromium, with keys made by
// `nzeza keys add`. Passes when, at 1280x800: a wrong key is refused on the form; the page logs in
// with an admin key; a price moves on screen; a manual buy goes through the risk gate and the page
// shows the order sent, the order resting (the stop-loss the entry leaves at the paper venue) and
// the fill (in the fills table and as a marker on the candles); a limit buy with its own quantity
// is sent and fills; cancelling the resting stop shows the API's 409, and a forced cancel removes
// it; the kill switch, once confirmed, shows on and new manual entries (a signal, an order with a
// quantity) are shown refused by the gate for it. At 390x844: the page is no wider than the
// screen, a read key sees the data with the order and kill-switch controls disabled (where the
// stream names the scope), logging out forgets the key, and once the server stops the page shows
// it is reconnecting. At both sizes a screenshot is kept in --out, and there was no console error
// (but the 401, 409 and 422 the test provokes), no page error, and no request that left the
// page's origin.
//
//   node dashboard_test.cjs --nzeza BIN --node-modules DIR --out DIR
// Exits 0 (pass), 1 (fail) or 77 (skip: no chromium on this machine).
'use strict';
const assert = require('assert/strict');
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const readline = require('readline');
const support = require('../support/chromium.cjs');

const WAIT = { timeout: 60000 };

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['nzeza', 'node-modules', 'out']) {
    if (!out[k]) {
      console.error(`usage: dashboard_test.cjs --nzeza BIN --node-modules DIR --out DIR (no --${k})`);
      process.exit(1);
    }
  }
  return out;
}

// A port free now on loopback (the config needs a fixed one).
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function addKey(bin, dataDir, scope) {
  const r = spawnSync(bin, ['keys', 'add', '--scope', scope, '--name', `browser-${scope}`,
    '--data-dir', dataDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `nzeza keys add: ${r.stderr}`);
  const key = r.stdout.split('\n')[0];
  assert.match(key, /^nzk_[0-9a-f]{64}$/, 'keys add prints the key on its first line');
  return key;
}

// Starts `nzeza run` and resolves when it says the API serves `url`.
function startRun(bin, config, url, logFile) {
  const child = spawn(bin, ['run', '--config', config, '--json', '--duration', '600'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = fs.createWriteStream(logFile);
  child.stderr.pipe(log);
  const lines = readline.createInterface({ input: child.stdout });
  const serving = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nzeza run did not serve ${url} in 60 s`)), 60000);
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (line.includes(`operator API on ${url}; dashboard at ${url}/`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nzeza run exited (${code}) before serving; see ${logFile}`));
    });
  });
  return { child, serving };
}

function stopRun(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGINT');
  });
}

// Console errors, page errors, and every request (WebSockets too) outside `origin`, which is
// aborted before it leaves.
async function watch(context, page, origin) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('websocket', (ws) => {
    if (!ws.url().startsWith(origin.replace(/^http/, 'ws') + '/'))
      problems.push(`websocket outside the origin: ${ws.url()}`);
  });
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      problems.push(`request outside the origin: ${route.request().url()}`);
      return route.abort();
    },
  );
  return {
    list: () => problems.slice(),
    // Removes the entries an expected failure caused (e.g. the 401 of a wrong key), each once.
    expect(re) {
      const at = problems.findIndex((p) => re.test(p));
      assert.ok(at >= 0, `expected a console line matching ${re}; seen: ${problems.join(' | ')}`);
      problems.splice(at, 1);
    },
  };
}

// Whether this server streams (its metrics carry the stream's families): the page must then go
// live on the socket, not stay on polling.
async function streams(origin, key) {
  const r = await fetch(`${origin}/metrics`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(r.status, 200);
  return /^nzeza_api_stream_clients[ {]/m.test(await r.text());
}

async function logIn(page, origin, key) {
  const answer = await page.goto(`${origin}/`);
  const csp = answer.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'/, 'the page is served with its policy');
  await page.waitForSelector('body[data-view="login"] #api-key', WAIT);
  await page.fill('#api-key', key);
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('body[data-view="dashboard"]', WAIT);
  // The first answers are in: live on the stream where it is served, else polling; never
  // "reconnecting" on a server that is up.
  const expected = (await streams(origin, key)) ? 'live' : 'polling';
  await page.waitForSelector(`#connection[data-state="${expected}"]`, WAIT);
  assert.equal(await page.evaluate(() => location.href.includes('nzk_')), false, 'key in the URL');
  assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie');
}

const tile = (symbol) => `#prices [data-symbol="${symbol}"] .price`;

async function priceMoves(page, symbol) {
  await page.waitForFunction(
    (sel) => /^[0-9]/.test((document.querySelector(sel) || {}).textContent || ''),
    tile(symbol),
    WAIT,
  );
  const first = await page.textContent(tile(symbol));
  await page.waitForFunction(
    ([sel, was]) => document.querySelector(sel).textContent !== was,
    [tile(symbol), first],
    WAIT,
  );
  return [first, await page.textContent(tile(symbol))];
}

async function manualOrder(page, symbol, side, quantity = '', limit = '') {
  await page.selectOption('#order-symbol', symbol);
  await page.selectOption('#order-side', side);
  await page.fill('#order-quantity', quantity);
  await page.fill('#order-limit', limit);
  await page.$eval('#order-result', (n) => {
    n.textContent = '';
    n.dataset.kind = '';
  });
  await page.click('#order-submit');
  await page.waitForSelector('#order-result[data-kind="ok"], #order-result[data-kind="error"]', WAIT);
  return {
    kind: await page.getAttribute('#order-result', 'data-kind'),
    text: await page.textContent('#order-result'),
  };
}

async function noWiderThan(page, width, label) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `${label}: the page is ${scrollWidth}px wide`);
}

async function screenshot(page, outDir, label) {
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header at the top of the shot
  const shot = path.join(outDir, `dashboard-${label}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(fs.statSync(shot).size > 10000, `${label}: screenshot ${shot} is written`);
  return shot;
}

async function desktop(browser, origin, key, outDir) {
  const label = '1280x800';
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = await watch(context, page, origin);
  // A wrong key is refused on the form, with the API's words, and nothing is stored.
  await page.goto(`${origin}/`);
  await page.fill('#api-key', `nzk_${'0'.repeat(64)}`);
  await page.click('#login-form button[type="submit"]');
  await page.waitForFunction(
    () => /key refused: .*valid API key/.test(document.querySelector('#login-error').textContent),
    null, WAIT);
  assert.equal(await page.getAttribute('body', 'data-view'), 'login');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused key is not kept');
  problems.expect(/console error: Failed to load resource: .*401/);
  await logIn(page, origin, key);

  const [was, now] = await priceMoves(page, 'BTC-USD');
  await page.click('#prices [data-symbol="BTC-USD"]');
  await page.waitForFunction(() => Number(document.querySelector('#candles').dataset.candles) >= 1,
    null, WAIT);
  await page.waitForFunction(() => Number(document.querySelector('#equity').dataset.points) >= 2,
    null, WAIT);

  // min_confidence 1.0 keeps the strategies out (a manual order has confidence 1): a buy opens.
  const buy = await manualOrder(page, 'BTC-USD', 'buy');
  assert.equal(buy.kind, 'ok', `${label}: the buy was sent: ${buy.text}`);
  assert.match(buy.text, /Order sent/);
  await page.waitForSelector('#fills tbody tr[data-trade-id] >> text=BTC-USD', WAIT);
  await page.waitForSelector('#positions tbody tr >> text=BTC-USD', WAIT);
  // The entry's stop-loss rests at the paper venue: an open order of BTC-USD.
  await page.waitForSelector('#orders tbody tr[data-client-order-id] >> text=BTC-USD', WAIT);
  await page.waitForFunction(() => Number(document.querySelector('#candles').dataset.markers) >= 1,
    null, WAIT);
  await page.waitForSelector('#activity-list li[data-kind="order"]', WAIT);
  // Each feed's health: state, age, and its decode errors (a count from /metrics).
  await page.waitForFunction(() => Array.from(document.querySelectorAll('#feeds tbody tr'))
    .some((tr) => tr.dataset.state === 'good' && /^[0-9]+$/.test(tr.cells[3].textContent)),
  null, WAIT);

  // An order with its own quantity and a limit 1 % above the price shown (on SOL-USD's 0.001
  // tick): the gate answers at once, the fill follows.
  const shown = Number(await page.textContent(tile('SOL-USD')));
  const limit = (Math.ceil(shown * 1.01 * 1000) / 1000).toFixed(3);
  const sol = await manualOrder(page, 'SOL-USD', 'buy', '1', limit);
  assert.equal(sol.kind, 'ok', `${label}: the SOL-USD buy of 1 was sent: ${sol.text}`);
  // The server writes the price as an exact decimal without trailing zeros (151.500 → 151.5).
  const sent = /^Order sent: #[0-9]+ buy 1 SOL-USD limit ([0-9.]+)$/.exec(sol.text);
  assert.ok(sent, `${label}: the SOL-USD answer names the order: ${sol.text}`);
  assert.equal(Number(sent[1]), Number(limit), `${label}: the limit sent: ${sol.text}`);
  await page.waitForSelector('#fills tbody tr[data-trade-id] >> text=SOL-USD', WAIT);

  // Cancelling the stop of a held position: the API's 409 is shown, then a forced cancel goes.
  const btcStop = '#orders tbody tr[data-client-order-id]:has-text("BTC-USD")';
  await page.click(`${btcStop} button.cancel`);
  await page.waitForSelector('#orders-result[data-kind="error"] button.danger', WAIT);
  const why = await page.textContent('#orders-result');
  assert.match(why, /refused \(409\)/, `${label}: the cancel of a protecting stop: ${why}`);
  problems.expect(/console error: Failed to load resource: .*409/);
  await page.click('#orders-result button.danger');
  await page.waitForSelector('#orders-result[data-kind="ok"]', WAIT);
  await page.waitForSelector(btcStop, { ...WAIT, state: 'detached' });

  // The kill switch: a confirmation, then on.
  assert.equal(await page.getAttribute('#kill-state', 'data-engaged'), 'false');
  await page.click('#kill-toggle');
  await page.waitForSelector('#kill-confirm:not([hidden])', WAIT);
  assert.equal(await page.getAttribute('#kill-state', 'data-engaged'), 'false', 'not before confirming');
  await page.click('#kill-yes');
  await page.waitForSelector('#kill-state[data-engaged="true"]', WAIT);
  await page.waitForSelector('#kill-badge:not([hidden])', WAIT);
  const refused = await manualOrder(page, 'ETH-USD', 'buy');
  assert.equal(refused.kind, 'error', `${label}: a new entry under the kill switch: ${refused.text}`);
  assert.match(refused.text, /kill switch/i, `${label}: the refusal names the kill switch`);
  await page.waitForSelector('#activity-list li[data-kind="refusal"]', WAIT);
  // With a quantity, the gate's refusal is the API's 422, shown as written.
  const eth = Number(await page.textContent(tile('ETH-USD')));
  const ethLimit = (Math.ceil(eth * 1.01 * 100) / 100).toFixed(2);
  const refusedNow = await manualOrder(page, 'ETH-USD', 'buy', '0.01', ethLimit);
  assert.equal(refusedNow.kind, 'error', `${label}: ${refusedNow.text}`);
  assert.match(refusedNow.text, /^Refused \(422\): .*kill switch/i);
  problems.expect(/console error: Failed to load resource: .*422/);

  const canvases = await page.$$eval('#candles canvas, #equity canvas', (cs) =>
    cs.filter((c) => c.getBoundingClientRect().width > 100 && c.getBoundingClientRect().height > 100)
      .length);
  assert.ok(canvases >= 2, `${label}: the candle and equity charts are drawn (${canvases} canvases)`);
  await noWiderThan(page, 1280, label);
  const shot = await screenshot(page, outDir, label);
  assert.deepEqual(problems.list(), [], `${label}: console errors or requests`);
  const state = await page.getAttribute('#connection', 'data-state');
  await context.close();
  console.log(`ok ${label}: logged in (${state}); BTC-USD ${was} -> ${now}; ${buy.text}; ` +
    `under the kill switch: ${refused.text}; screenshot ${shot}`);
}

async function phone(browser, origin, readKey, outDir, stopServer) {
  const label = '390x844';
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const problems = await watch(context, page, origin);
  await logIn(page, origin, readKey);
  await priceMoves(page, 'ETH-USD');
  if (await streams(origin, readKey)) {
    // The stream names the key's scope: a read key sees everything and may steer nothing.
    await page.waitForSelector('body[data-scope="read"] #order-submit:disabled', WAIT);
    assert.ok(await page.isDisabled('#kill-toggle'), 'the kill switch needs admin');
    assert.match(await page.textContent('#kill-result'), /scope read: the kill switch needs admin/);
  }
  await page.waitForSelector('#fills tbody tr[data-trade-id]', WAIT);
  await page.waitForSelector('#kill-state[data-engaged="true"]', WAIT);
  await noWiderThan(page, 390, label);
  const shot = await screenshot(page, outDir, label);
  // Logging out forgets the key: the login form again, and nothing stored.
  await page.click('#logout');
  await page.waitForSelector('body[data-view="login"] #api-key', WAIT);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the key is forgotten');
  await logIn(page, origin, readKey);
  assert.deepEqual(problems.list(), [], `${label}: console errors or requests`);
  // The server goes away: the page says so (its failed calls are expected console errors now).
  await stopServer();
  await page.waitForSelector('#connection[data-state="reconnecting"]', WAIT);
  await context.close();
  console.log(`ok ${label}: no wider than the screen; screenshot ${shot}; logged out and in; ` +
    'reconnecting once the server stopped');
}

// The static files as any HTTP client gets them: no key needed, content types, the policy, an
// ETag that a conditional request turns into a 304; a data route still wants the key.
async function staticFiles(origin) {
  const page = await fetch(`${origin}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(page.headers.get('content-security-policy'), /default-src 'none'/);
  const etag = page.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  const again = await fetch(`${origin}/`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  const lib = await fetch(`${origin}/assets/lightweight-charts.mjs`);
  assert.equal(lib.status, 200);
  assert.equal(lib.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(await lib.text(), /Lightweight Charts/);
  assert.equal((await fetch(`${origin}/assets/nothing.js`)).status, 404);
  assert.equal((await fetch(`${origin}/api/v1/positions`)).status, 401);
}

async function main() {
  const a = args();
  const outDir = path.resolve(a.out);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const { chromium } = support.playwright(a['node-modules']);
  if (!support.chromiumPath()) await support.launch(chromium); // prints SKIP, exits 77

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nzeza-dashboard-'));
  const key = addKey(a.nzeza, dataDir, 'admin');
  const readKey = addKey(a.nzeza, dataDir, 'read');
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = path.join(dataDir, 'dashboard.toml');
  fs.writeFileSync(config, [
    'mode = "paper"',
    `data_dir = "${dataDir}"`,
    'candle_interval = 2',
    '[market_data]',
    'source = "simulated"',
    'step_ms = 100',
    '[exits]',
    'stop_loss = "0.05"',
    '[risk]',
    'min_confidence = 1.0', // the strategies never trade: BTC-USD stays flat until the test buys
    '[api]',
    `port = ${port}`,
    '',
  ].join('\n'));
  const run = startRun(a.nzeza, config, origin, path.join(outDir, 'nzeza-run.log'));
  let browser;
  try {
    await run.serving;
    await staticFiles(origin);
    browser = await support.launch(chromium);
    await desktop(browser, origin, key, outDir);
    await phone(browser, origin, readKey, outDir, () => stopRun(run.child));
  } finally {
    if (browser) await browser.close();
    const code = await stopRun(run.child);
    console.log(`nzeza run stopped (exit ${code})`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log('dashboard: logged in, prices, an order and its fill, kill switch, both widths');
}

main().catch((e) => {
  console.error(`FAIL: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
