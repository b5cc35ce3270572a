// The staff console in a real browser (Debian's chromium through
// playwright-core) against a real signage-server, with a headless
// signage-player whose snapshot PNG shows what the screen plays.
// Started by tests/browser/run, which sets the environment below.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests/browser/run`);
  return v;
};
const URL_ = env('SIGNAGE_URL');
const WORK = env('SIGNAGE_WORK');
const SHOTS = env('SIGNAGE_SCREENSHOTS');
const editor = { user: env('EDITOR_USER'), password: env('EDITOR_PASSWORD') };
const reviewer = { user: env('REVIEWER_USER'), password: env('REVIEWER_PASSWORD') };

let browser;
let player;
const snapshot = path.join(WORK, 'screen.png');

before(async () => {
  browser = await chromium.launch({ executablePath: env('CHROMIUM'), headless: true, args: ['--no-sandbox'] });
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (player) player.kill('SIGTERM');
  if (browser) await browser.close();
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw new Error('page error: ' + e.message); });
  await page.goto(URL_ + '/');
  return page;
}

async function signIn(page, who) {
  await page.fill('#login-form input[name=username]', who.user);
  await page.fill('#login-form input[name=password]', who.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#nav a');
  await assert.doesNotReject(page.waitForSelector('#who-name:has-text("' + who.user + '")'));
}

async function signOut(page) {
  await page.click('#logout');
  await page.waitForSelector('#login-form', { state: 'visible' });
}

async function go(page, hash, waitFor) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForSelector(waitFor);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `console-${name}.png`), fullPage: true });
}

async function waitFor(check, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for ' + what);
}

// A small PNG reader (8-bit RGB or RGBA, non-interlaced; what the player writes).
function decodePng(buf) {
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  let pos = 8;
  let width = 0, height = 0, colorType = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth'); colorType = data[9];
      assert.equal(data[12], 0, 'not interlaced');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const bpp = { 2: 3, 6: 4 }[colorType];
  assert.ok(bpp, 'colour type ' + colorType);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
      let p = line[x];
      if (f === 1) p += a;
      else if (f === 2) p += b;
      else if (f === 3) p += (a + b) >> 1;
      else if (f === 4) {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        p += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = p & 0xff;
    }
  }
  return { width, height, bpp, pixels: out };
}

function readSnapshot() {
  try { return fs.readFileSync(snapshot); } catch { return null; }
}

test('an editor writes a text slide, a reviewer approves and publishes, the screen shows it', async () => {
  player = spawn(path.join(env('SIGNAGE_BIN'), 'signage-player'), [
    '--server', URL_, '--token', env('SIGNAGE_TOKEN'), '--cache', path.join(WORK, 'cache'),
    '--headless', '--size', '640x360', '--snapshot', snapshot,
  ], { stdio: ['ignore', 'ignore', fs.openSync(path.join(WORK, 'player.log'), 'w')] });
  await waitFor(() => readSnapshot() !== null, 20000, 'the first snapshot');

  const page = await newPage();
  await signIn(page, editor);

  // A field error names the field from the API's error JSON.
  await go(page, '#editor', '#slide-form');
  await page.fill('#slide-form input[name=title]', '无效时长');
  await page.fill('#slide-form input[name=duration_s]', '0');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForSelector('#message.error:has-text("duration_s")');

  await go(page, '#editor', '#slide-form');
  await page.fill('#slide-form input[name=title]', '文明出行 从我做起');
  await page.fill('#slide-form input[name=duration_s]', '8');
  await page.fill('#slide-form input[name=category]', '文明交通');
  await page.fill('#slide-form textarea[name=body]', '过马路走斑马线，不闯红灯。\n\n礼让行人，文明驾驶。');
  await page.waitForSelector('#preview .sk-title:has-text("文明出行")');
  await shot(page, 'editor');
  await page.getByRole('button', { name: '保存并提交审核' }).click();
  await page.waitForSelector('#message:has-text("已保存并提交审核")');
  await page.waitForSelector('.page-content tr:has-text("文明出行 从我做起") .status-pending');
  await signOut(page);

  await signIn(page, reviewer);
  await go(page, '#review', '.page-review');
  const row = page.locator('.page-review tr', { hasText: '文明出行 从我做起' });
  await row.waitFor();
  await shot(page, 'review');
  await row.getByRole('button', { name: '通过' }).click();
  await page.waitForSelector('#message:has-text("已通过")');

  await go(page, '#publish', '.page-publish');
  await page.waitForSelector('.page-publish tr:has-text("文明出行 从我做起") td.new');
  const before = readSnapshot();
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await page.waitForSelector('#message:has-text("已发布")');
  await waitFor(() => { const now = readSnapshot(); return now && !now.equals(before); }, 15000, 'the snapshot to change after the publish');

  const png = decodePng(readSnapshot());
  assert.equal(png.width, 640);
  assert.equal(png.height, 360);
  const colours = new Set();
  for (let i = 0; i < png.pixels.length; i += png.bpp * 7) colours.add(png.pixels.readUIntBE(i, 3));
  assert.ok(colours.size > 10, `the published slide is drawn (${colours.size} colours sampled)`);

  await go(page, '#dashboard', '.page-dashboard');
  await page.waitForSelector('.page-dashboard tr:has-text("lobby") .dot.on');
  await shot(page, 'dashboard');
  await page.context().close();
});

test('a quiz CSV with an error shows its row and column; a good one imports', async () => {
  const page = await newPage();
  await signIn(page, editor);
  await go(page, '#quiz', '#csv-text');
  const header = 'type,question,option_a,option_b,option_c,answer,explanation,category';
  await page.fill('#csv-text', [header,
    'single,垃圾分类中，废电池属于哪一类？,有害垃圾,可回收物,厨余垃圾,A,废电池含重金属,垃圾分类',
    'single,过马路应该走哪里？,斑马线,随意穿行,护栏缝隙,Z,,文明交通',
  ].join('\n'));
  await page.getByRole('button', { name: '导入', exact: true }).click();
  const errRow = page.locator('#import-result tr.import-error').first();
  await errRow.waitFor();
  const cells = await errRow.locator('td').allTextContents();
  assert.equal(cells[0], '3', 'the CSV line of the bad record');
  assert.equal(cells[1], 'answer', 'the column named');
  assert.ok(cells[2].length > 0, 'a message');
  await page.waitForSelector('#message.error');

  await page.fill('#csv-text', [header,
    'single,垃圾分类中，废电池属于哪一类？,有害垃圾,可回收物,厨余垃圾,A,废电池含重金属,垃圾分类',
    'judge,行人可以闯红灯。,对,错,,错,,文明交通',
    'multiple,以下哪些属于文明行为？,排队候车,随地吐痰,礼让行人,AC,,文明礼仪',
  ].join('\n'));
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.waitForSelector('#message:has-text("已导入 3 道题")');
  await page.waitForSelector('.page-quiz tr:has-text("废电池属于哪一类")');
  // Show the error table in the screenshot too.
  await page.fill('#csv-text', [header, 'single,缺答案的题,甲,乙,,,,'].join('\n'));
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.locator('#import-result tr.import-error').first().waitFor();
  await shot(page, 'quiz');
  await page.context().close();
});

test('the English toggle is kept across reloads', async () => {
  const page = await newPage();
  await signIn(page, editor);
  await page.click('#lang');
  await page.waitForSelector('#nav a:has-text("Dashboard")');
  await page.reload();
  await page.waitForSelector('#nav a:has-text("Dashboard")');
  assert.equal(await page.textContent('#logout'), 'Sign out');
  await page.click('#lang');
  await page.waitForSelector('#nav a:has-text("概览")');
  await page.context().close();
});
