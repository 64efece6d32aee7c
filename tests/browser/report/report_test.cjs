#!/usr/bin/env node
// Browser test (CTest label `browser`): `nzeza report` renders a backtest report.json written by
// make_report.cjs, and headless chromium opens the page from disk at 1280x800 and 390x844.
// Passes when, at both sizes: every chart (equity, drawdown, one candlestick chart per symbol)
// was created with its series (data-rendered) and has canvases of non-zero size; each symbol's
// chart shows its buy and sell trade markers (their colours are on the canvas); hovering an exit
// shows its PnL; the tables hold the attribution and every trade; a symbol that looks like markup
// is shown as text and runs nothing; the page is no wider than the screen; and there was no
// console error and no request besides the page itself. Screenshots stay in --out.
//
//   node report_test.cjs --nzeza BIN --node-modules DIR --out DIR
// Exits 0 (pass), 1 (fail) or 77 (skip: no chromium on this machine).
'use strict';
const assert = require('assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const support = require('../support/chromium.cjs');
const { makeReport, EVIL_SYMBOL } = require('./make_report.cjs');

const BUY = [0x21, 0x96, 0xf3];
const SELL = [0xff, 0x6d, 0x00];
// Five markers of a colour draw 150-300 pixels at either width; none means they are missing.
const MIN_MARKER_PIXELS = 40;

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['nzeza', 'node-modules', 'out']) {
    if (!out[k]) {
      console.error(`usage: report_test.cjs --nzeza BIN --node-modules DIR --out DIR (no --${k})`);
      process.exit(1);
    }
  }
  return out;
}

function nzezaReport(bin, input, outDir) {
  return spawnSync(bin, ['report', '--input', input, '--out', outDir], { encoding: 'utf8' });
}

// The count of a chart's canvas pixels that have the colour `rgb` (within 3 per channel) when it
// is at least `least`, else false; runs in the page (its canvases hold no cross-origin image, so
// they can be read).
function colourAtLeastInPage([selector, rgb, least]) {
  const box = document.querySelector(selector);
  if (!box) return false;
  let n = 0;
  for (const canvas of box.querySelectorAll('canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const ctx = canvas.getContext('2d');
    if (!ctx) continue;
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < px.length; i += 4) {
      if (
        px[i + 3] > 200 &&
        Math.abs(px[i] - rgb[0]) <= 3 &&
        Math.abs(px[i + 1] - rgb[1]) <= 3 &&
        Math.abs(px[i + 2] - rgb[2]) <= 3
      )
        ++n;
    }
  }
  return n >= least ? n : false;
}

// Charts size and paint themselves on later frames: waits until `rgb` covers at least `least`
// pixels of the chart and returns their count, or the count seen when the wait timed out.
async function waitForColour(page, selector, rgb, least) {
  try {
    const handle = await page.waitForFunction(colourAtLeastInPage, [selector, rgb, least], {
      timeout: 15000,
    });
    return handle.jsonValue();
  } catch (e) {
    if (!/Timeout/.test(String(e))) throw e;
    return page.evaluate(colourAtLeastInPage, [selector, rgb, 0]);
  }
}

async function checkAt(browser, url, report, width, height, outDir) {
  const label = `${width}x${height}`;
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const watch = support.watchPage(page, [url]);
  await watch.blockNetwork();
  await page.goto(url);
  await page.waitForSelector('body[data-rendered="true"], body[data-error]', { timeout: 30000 });
  assert.equal(await page.getAttribute('body', 'data-error'), null, `${label}: the page failed`);

  const symbols = report.config.symbols;
  // Every chart lays its canvases out on a later frame (it follows its box's size).
  await page
    .waitForFunction(
      () =>
        Array.from(document.querySelectorAll('.chart')).every((b) =>
          Array.from(b.querySelectorAll('canvas')).some((c) => {
            const r = c.getBoundingClientRect();
            return r.width > 100 && r.height > 100;
          }),
        ),
      null,
      { timeout: 15000 },
    )
    .catch(() => {}); // the assertions below say which chart has none
  const charts = await page.$$eval('.chart', (boxes) =>
    boxes.map((b) => ({
      cls: b.className,
      rendered: b.dataset.rendered,
      points: Number(b.dataset.points),
      markers: Number(b.dataset.markers || 0),
      canvases: Array.from(b.querySelectorAll('canvas'), (c) => {
        const r = c.getBoundingClientRect();
        return { w: r.width, h: r.height };
      }),
    })),
  );
  assert.equal(charts.length, 2 + symbols.length, `${label}: equity, drawdown and one per symbol`);
  for (const c of charts) {
    assert.equal(c.rendered, 'true', `${label}: ${c.cls} has no data-rendered`);
    assert.ok(c.canvases.length > 0, `${label}: ${c.cls} has no canvas`);
    assert.ok(
      c.canvases.some((s) => s.w > 100 && s.h > 100),
      `${label}: ${c.cls} has no canvas of a visible size: ${JSON.stringify(c.canvases)}`,
    );
  }
  assert.equal(charts[0].points, report.equity.length - 1, `${label}: one equity point a second`);

  const titles = await page.$$eval('.symbol h3', (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(titles, symbols, `${label}: one section per symbol, titles as text`);
  assert.equal(await page.evaluate(() => window.pwned), undefined, `${label}: the symbol ran`);
  assert.ok((await page.title()).includes(EVIL_SYMBOL), `${label}: the title shows the symbol`);

  const painted = []; // buy/sell marker pixels per symbol, for the log
  for (const [i, symbol] of symbols.entries()) {
    const selector = `.symbol:nth-of-type(${i + 1}) .chart-candles`;
    const mine = report.trades.filter((t) => t.symbol === symbol);
    const legs = mine.length + mine.filter((t) => t.exit_time !== undefined).length;
    assert.equal(charts[2 + i].markers, legs, `${label}: ${symbol}: a marker per entry and exit`);
    assert.equal(await page.$eval(selector, (b) => b.closest('.symbol').dataset.symbol), symbol);
    const buy = await waitForColour(page, selector, BUY, MIN_MARKER_PIXELS);
    const sell = await waitForColour(page, selector, SELL, MIN_MARKER_PIXELS);
    painted.push(`${buy}/${sell}`);
    assert.ok(buy >= MIN_MARKER_PIXELS, `${label}: ${symbol}: buy markers drawn (${buy} pixels)`);
    assert.ok(sell >= MIN_MARKER_PIXELS, `${label}: ${symbol}: sell markers drawn (${sell} px)`);
  }

  // Hovering the first exit shows its trade's PnL.
  const first = report.trades.find((t) => t.symbol === symbols[0] && t.exit_time !== undefined);
  const box = await page.$('.symbol:nth-of-type(1) .chart-candles');
  await box.scrollIntoViewIfNeeded();
  const x = await box.evaluate((b) => b.nzezaFirstExitX());
  assert.ok(typeof x === 'number', `${label}: the first exit is on the chart (x ${x})`);
  const bounds = await box.boundingBox();
  await page.mouse.move(bounds.x + x, bounds.y + bounds.height / 2);
  const tip = await page.waitForSelector('.symbol:nth-of-type(1) .tooltip:not([hidden])', {
    timeout: 5000,
  });
  const tipText = await tip.textContent();
  assert.ok(tipText.includes(`PnL ${first.pnl}`), `${label}: tooltip "${tipText}" has the PnL`);

  const attributionRows = await page.$$eval('#attribution tbody tr', (rows) => rows.length);
  assert.equal(attributionRows, report.attribution.length, `${label}: attribution rows`);
  const tradeRows = await page.$$eval('#trades tbody tr', (rows) => rows.length);
  assert.equal(tradeRows, report.trades.length, `${label}: trade rows`);
  const pnl = await page.$eval('#summary .metric:nth-child(3) dd', (d) => d.textContent);
  assert.equal(pnl, report.summary.pnl, `${label}: the summary shows the PnL as written`);

  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `${label}: the page is ${scrollWidth}px wide`);

  await page.mouse.move(0, 0);
  const shot = path.join(outDir, `report-${label}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(fs.statSync(shot).size > 10000, `${label}: screenshot ${shot} is written`);

  assert.deepEqual(watch.problems(), [], `${label}: console errors or requests`);
  await context.close();
  console.log(
    `ok ${label}: ${charts.length} charts rendered; buy/sell marker pixels per symbol ` +
      `${painted.join(' ')}; screenshot ${shot}`,
  );
}

async function main() {
  const a = args();
  const outDir = path.resolve(a.out);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const { chromium } = support.playwright(a['node-modules']);

  // A malformed report is refused, naming the field, and writes nothing.
  const badInput = path.join(outDir, 'bad.json');
  const bad = makeReport();
  bad.trades[2].entry_price = 12.5;
  fs.writeFileSync(badInput, JSON.stringify(bad));
  const refused = nzezaReport(a.nzeza, badInput, path.join(outDir, 'bad'));
  assert.equal(refused.status, 1, `nzeza report of a malformed file: ${refused.stderr}`);
  assert.ok(refused.stderr.includes('trades[2].entry_price'), refused.stderr);
  assert.ok(!fs.existsSync(path.join(outDir, 'bad')));

  const report = makeReport();
  const input = path.join(outDir, 'input.json');
  fs.writeFileSync(input, JSON.stringify(report, null, 1));
  const made = nzezaReport(a.nzeza, input, path.join(outDir, 'report'));
  assert.equal(made.status, 0, `nzeza report failed: ${made.stderr}`);
  const html = path.join(outDir, 'report', 'report.html');
  assert.equal(made.stdout.trim(), html);
  assert.equal(fs.readFileSync(path.join(outDir, 'report', 'report.json'), 'utf8'),
    fs.readFileSync(input, 'utf8'));

  const browser = await support.launch(chromium);
  try {
    const url = pathToFileURL(html).href;
    await checkAt(browser, url, report, 1280, 800, outDir);
    await checkAt(browser, url, report, 390, 844, outDir);
  } finally {
    await browser.close();
  }
  console.log('backtest report: rendered offline at 1280x800 and 390x844');
}

main().catch((e) => {
  console.error(`FAIL: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
