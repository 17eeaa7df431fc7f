// Opens code-server in Chromium, waits for the extension's self-test to write its findings,
// then reads the results panel (a webview) and takes a screenshot of the workbench.
//
// Then it lets the self-test switch to an interpreter without azml_lsp (by creating
// FINDINGS_FILE.next) and reads the message the user gets.
//
// With AZML_VSCODE_SELFTEST_SCENARIO=migrate it reads the verification report the panel shows
// instead, and stops after the screenshot.
//
// node drive.mjs URL FINDINGS_FILE SCREENSHOT OUT_JSON   (env: AZML_VSCODE_DIR, CHROMIUM)
import { existsSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, findingsFile, screenshot, outFile] = process.argv.slice(2);
const require = createRequire(path.join(process.env.AZML_VSCODE_DIR, 'package.json'));
const { chromium } = require('playwright-core');

const view = { log: [] };
const started = Date.now();
const note = (text) => view.log.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${text}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(seconds, probe) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > deadline) return value;
    await sleep(250);
  }
}

/** The results panel's frame and what it shows, once it shows `selector`. */
async function resultsPanel(page, selector = 'section.table') {
  for (const frame of page.frames()) {
    try {
      const found = await frame.evaluate((wanted) => {
        if (!document.querySelector(wanted)) return null;
        return {
          text: document.body.innerText,
          images: [...document.images].map((i) => ({
            alt: i.alt,
            complete: i.complete,
            width: i.naturalWidth,
            height: i.naturalHeight,
          })),
        };
      }, selector);
      if (found) return found;
    } catch {
      // a frame that navigated or closed meanwhile
    }
  }
  return null;
}

/** The migration scenario: the verification report the panel shows, and a screenshot. */
async function readReport(page) {
  // its verdict is a paragraph of class equal or unequal
  const report = await waitFor(30, () => resultsPanel(page, 'p.equal, p.unequal'));
  if (report) view.report_view = report.text;
  else note('no verification report in the results panel');
  await page.screenshot({ path: screenshot });
}

/** The editor scenario: the run's table and plots, then the message about a missing server. */
async function readRun(page) {
  // The panel once it shows a table and its plots have loaded (or as it is after 30 s).
  const loaded = (p) => p && p.images.length > 0 && p.images.every((i) => i.complete && i.width > 0);
  let panel = await waitFor(30, async () => {
    const current = await resultsPanel(page);
    return loaded(current) ? current : undefined;
  });
  panel ??= await resultsPanel(page);
  if (panel) {
    view.results_view = panel.text;
    view.panel_images = panel.images;
  } else {
    note('no results panel with a table');
  }
  await page.screenshot({ path: screenshot });
  note('screenshot taken');
  writeFileSync(`${findingsFile}.next`, '');
  const message = page.locator('.notification-list-item-message', { hasText: 'azml_lsp' }).first();
  try {
    await message.waitFor({ timeout: 60_000 });
    view.missing_server_message = await message.textContent();
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-missing-server.png') });
  } catch (error) {
    note(`no message about a missing azml_lsp: ${error.message}`);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => note(`page error: ${error.message}`));
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  note('workbench loaded');
  const finished = await waitFor(240, () => existsSync(findingsFile));
  note(finished ? 'self-test finished' : 'self-test wrote no findings');
  if (process.env.AZML_VSCODE_SELFTEST_SCENARIO === 'migrate') await readReport(page);
  else await readRun(page);
} finally {
  await browser.close();
  await writeFile(outFile, JSON.stringify(view));
}
