// The staff console's dashboard in Debian's chromium (playwright-core from
// tests/browser) against a running server: signs in, then opens the
// dashboard RUNS times and prints one line per run, "dashboard_ms N" (from
// the navigation until the first page of screens and its counts are on the
// page), then one line with the page's own numbers: how many rows it drew
// and the range it shows. Started by bench/console.
//   node console.mjs URL USER PASSWORD RUNS [SCREENSHOT.png]
import { createRequire } from 'node:module';

// playwright-core as tests/browser installs it (tests/browser/run).
const { chromium } = createRequire(new URL('../tests/browser/package.json', import.meta.url))('playwright-core');

const [url, user, password, runsText, shotFile] = process.argv.slice(2);
const runs = Number(runsText || 5);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(url + '/');
  await page.fill('#login-form input[name=username]', user);
  await page.fill('#login-form input[name=password]', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#nav a');
  for (let i = 0; i < runs; i++) {
    await page.goto(url + '/#content');
    await page.waitForSelector('.page-content');
    const started = Date.now();
    await page.evaluate(() => { location.hash = '#dashboard'; });
    await page.waitForSelector('.page-dashboard .screens-table tbody tr');
    await page.waitForFunction(() => document.querySelector('.page-dashboard .screens-range')?.textContent);
    console.log(`dashboard_ms ${Date.now() - started}`);
  }
  const rows = await page.$$eval('.page-dashboard .screens-table tbody tr', (r) => r.length);
  const range = await page.textContent('.page-dashboard .screens-range');
  console.log(`rows ${rows} range ${range}`);
  if (shotFile) await page.screenshot({ path: shotFile, fullPage: false });
} finally {
  await browser.close();
}
