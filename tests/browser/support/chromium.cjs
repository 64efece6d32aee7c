// Shared by the browser tests (label `browser`): Debian's chromium driven by playwright-core from
// the build's node_modules (cmake/NzezaWeb.cmake), headless, with no browser download.
//
//   const support = require('../support/chromium.cjs');
//   const { chromium } = support.playwright(nodeModulesDir);
//   const browser = await support.launch(chromium);      // exits 77 (skip) without chromium
//   const watch = support.watchPage(page, allowedUrls);   // console errors, page errors, requests
//   ... watch.problems() lists what went wrong.
'use strict';
const fs = require('fs');
const path = require('path');

const SKIP = 77; // CTest's SKIP_RETURN_CODE for these tests

function chromiumPath() {
  const candidates = [process.env.NZEZA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p) => p && fs.existsSync(p));
}

function playwright(nodeModules) {
  const entry = path.join(nodeModules, 'playwright-core');
  if (!fs.existsSync(entry)) {
    console.error(`FAIL: ${entry} is missing: the build's npm ci (nzeza_web_npm) has not run`);
    process.exit(1);
  }
  return require(entry);
}

async function launch(chromium) {
  const executablePath = chromiumPath();
  if (!executablePath) {
    console.log(
      'SKIP: no chromium at $NZEZA_CHROMIUM, /usr/bin/chromium or /usr/bin/chromium-browser ' +
        '(scripts/install-deps.sh installs Debian\'s chromium)',
    );
    process.exit(SKIP);
  }
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}

// Records what a test must see none of: console errors, uncaught page errors, and any request
// other than the allowed URLs (the page itself); every http(s) request is aborted before it
// leaves the machine.
function watchPage(page, allowedUrls) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    if (!allowedUrls.includes(req.url())) problems.push(`request: ${req.method()} ${req.url()}`);
  });
  return {
    async blockNetwork() {
      await page.route(/^(https?|wss?|ftp):/, (route) => {
        problems.push(`network request blocked: ${route.request().url()}`);
        return route.abort();
      });
    },
    problems: () => problems.slice(),
  };
}

module.exports = { SKIP, chromiumPath, playwright, launch, watchPage };
