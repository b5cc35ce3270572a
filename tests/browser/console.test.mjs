// The staff console in a real browser (Debian's chromium through
// playwright-core) against a real signage-server, with a headless
// signage-player whose snapshot PNG shows what the screen plays.
// Started by tests/browser/run, which sets the environment below.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
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
const admin = { user: env('ADMIN_USER'), password: env('ADMIN_PASSWORD') };

let browser;
let player;
// Script errors in the page fail the run (checked after every test).
const pageErrors = [];
const snapshot = path.join(WORK, 'screen.png');

before(async () => {
  browser = await chromium.launch({ executablePath: env('CHROMIUM'), headless: true, args: ['--no-sandbox'] });
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterEach(() => {
  assert.deepEqual(pageErrors.splice(0), [], 'no script errors in the console page');
});

after(async () => {
  if (browser) await browser.close();
  // Stopped as its service manager stops it; anything but exit status 0 (a
  // crash, a hang, a sanitizer's report at exit) fails the run.
  if (player) {
    const how = await stopPlayer(player);
    fs.rmSync(path.join(WORK, 'player.pid'), { force: true });
    assert.equal(how, 'exit status 0', 'signage-player stopped with SIGTERM');
  }
});

// SIGTERM, then SIGKILL after 15 s: how the player ended.
async function stopPlayer(child) {
  const ended = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve([child.exitCode, child.signalCode])
    : new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
  const early = child.exitCode !== null || child.signalCode !== null;
  if (!early) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  const [code, signal] = await ended;
  clearTimeout(timer);
  const how = signal ? `signal ${signal}` : `exit status ${code}`;
  return early ? `${how} before the end of the run` : how;
}

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
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
  // The same hash again re-renders the page, as a click on its menu entry does.
  await page.evaluate((h) => {
    const old = document.querySelector('#page > .page');
    if (old) old.dataset.stale = '1';
    if (location.hash === h) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = h;
  }, hash);
  await page.waitForFunction(() => !document.querySelector('#page > .page[data-stale]'));
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

// Two pictures of a 640x360 screen show the same thing when less than
// SAME_SCREEN of their pixels differ by more than 32 on some channel (as in
// tests/e2e/image_check.hpp). The allowance is the header's clock, for two
// frames taken at different times: a minute ticking over changes up to
// 0.16 % of the pixels. The same slide under another title changes 0.8 % to
// 1.5 %; a decoy must be at least CLEARLY_OTHER away.
const SAME_SCREEN = 0.003;
const CLEARLY_OTHER = 2 * SAME_SCREEN;
function differingShare(a, b) {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let differ = 0;
  for (let p = 0; p < a.width * a.height; p++) {
    for (let c = 0; c < 3; c++) {
      if (Math.abs(a.pixels[p * a.bpp + c] - b.pixels[p * b.bpp + c]) > 32) { differ++; break; }
    }
  }
  return differ / (a.width * a.height);
}

// The slide drawn as the full screen the way a screen playing it alone
// shows it at `when`: signage-player --render FILE --screen with the group's
// settings. `slide` is as the API returns it; its bookkeeping fields, which
// --render does not take, are dropped.
async function renderScreen(name, slide, settings, when) {
  const { has_approved_version, warnings, reviewed_at, updated_by, ...content } = slide;
  const file = path.join(WORK, name + '.json');
  const settingsFile = path.join(WORK, name + '-settings.json');
  const out = path.join(WORK, name + '.png');
  fs.writeFileSync(file, JSON.stringify(content));
  fs.writeFileSync(settingsFile, JSON.stringify(settings));
  await promisify(execFile)(path.join(env('SIGNAGE_BIN'), 'signage-player'), [
    '--render', file, '--screen', '--settings', settingsFile, '--size', '640x360',
    '--now', new Date(when).toISOString(), '--out', out,
  ]);
  return decodePng(fs.readFileSync(out));
}

// A GET of the API with the page's session, as JSON.
async function apiGet(page, route) {
  return page.evaluate(async (r) => {
    const token = JSON.parse(sessionStorage.getItem('signage.session')).token;
    const res = await fetch(r, { headers: { Authorization: 'Bearer ' + token } });
    if (!res.ok) throw new Error(r + ': HTTP ' + res.status);
    return res.json();
  }, route);
}

test('an editor writes a text slide, a reviewer approves and publishes, the screen shows it', async (t) => {
  player = spawn(path.join(env('SIGNAGE_BIN'), 'signage-player'), [
    '--server', URL_, '--token', env('SIGNAGE_TOKEN'), '--cache', path.join(WORK, 'cache'),
    '--headless', '--size', '640x360', '--snapshot', snapshot,
  ], { stdio: ['ignore', 'ignore', fs.openSync(path.join(WORK, 'player.log'), 'w')] });
  // tests/browser/run stops it should this process die first.
  fs.writeFileSync(path.join(WORK, 'player.pid'), String(player.pid));
  await waitFor(() => readSnapshot() !== null, 20000, 'the first snapshot');

  const page = await newPage();
  await signIn(page, editor);

  // A field error names the field by its label (from the API's error JSON) and marks it.
  await go(page, '#editor', '#slide-form');
  await page.fill('#slide-form input[name=title]', '无效时长');
  await page.fill('#slide-form input[name=duration_s]', '0');
  await page.check('#slide-form input[name=purpose][value=other]');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForSelector('#message.error:has-text("“播放时长（秒）”有误：应在 1–3600 秒之间")');
  assert.equal(await page.$eval('#slide-form input[name=duration_s]', (x) => x.classList.contains('invalid')), true);

  await go(page, '#editor', '#slide-form');
  await page.fill('#slide-form input[name=title]', '文明出行 从我做起');
  await page.fill('#slide-form input[name=duration_s]', '8');
  // Nothing is preset for what the slide is for: saving without choosing
  // names the field and marks it.
  assert.equal(await page.locator('#slide-form input[name=purpose]:checked').count(), 0);
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForSelector('#message.error:has-text("请选择“内容性质”")');
  await page.waitForSelector('#slide-form .radios.invalid[data-field=purpose]');
  await page.check('#slide-form input[name=purpose][value=public_service]');
  await page.waitForSelector('#slide-form .radios[data-field=purpose]:not(.invalid)');
  await page.fill('#slide-form input[name=category]', '文明交通');
  await page.fill('#slide-form textarea[name=body]', '过马路走斑马线，不闯红灯。\n\n礼让行人，文明驾驶。');
  // The preview is the screen's own engine drawing what was typed: a real PNG.
  const previewShown = () => page.waitForFunction(() => {
    const box = document.querySelector('#preview');
    const img = document.querySelector('#preview-img');
    return box.dataset.state === 'ready' && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 60000 });
  await previewShown();
  const drawn = await page.$eval('#preview-img', (img) => ({ w: img.naturalWidth, h: img.naturalHeight, src: img.src }));
  assert.deepEqual([drawn.w, drawn.h], [960, 540]);
  // A character the screen's font lacks is named with its field.
  await page.fill('#slide-form input[name=title]', '文明出行 \u{1F600}');
  await page.waitForSelector('#preview-warnings li:has-text("“标题”：含有屏幕字体无法显示的字符")', { timeout: 60000 });
  await previewShown();
  const redrawn = await page.$eval('#preview-img', (img) => img.src);
  assert.notEqual(redrawn, drawn.src, 'a new picture after typing');
  // A field the server refuses shows its message instead of a picture.
  await page.fill('#slide-form input[name=duration_s]', '0');
  await page.waitForSelector('#preview[data-state="error"] #preview-state:has-text("“播放时长（秒）”有误：应在 1–3600 秒之间")', { timeout: 60000 });
  await page.fill('#slide-form input[name=duration_s]', '8');
  await page.fill('#slide-form input[name=title]', '文明出行 从我做起');
  await previewShown();
  assert.equal(await page.locator('#preview-warnings li').count(), 0);
  await shot(page, 'editor');
  await page.getByRole('button', { name: '保存并提交审核' }).click();
  await page.waitForSelector('#message:has-text("已保存并提交审核")');
  await page.waitForSelector('.page-content tr:has-text("文明出行 从我做起") .status-pending');
  await signOut(page);

  await signIn(page, reviewer);
  await go(page, '#review', '.page-review');
  const row = page.locator('.page-review .review-card', { hasText: '文明出行 从我做起' });
  await row.waitFor();
  await shot(page, 'review');
  await row.getByRole('button', { name: '通过' }).click();
  await page.waitForSelector('#message:has-text("已通过")');

  await go(page, '#publish', '.page-publish');
  await page.waitForSelector('.page-publish tr:has-text("文明出行 从我做起") td.new');
  await shot(page, 'publish');
  const before = readSnapshot();
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await page.waitForSelector('#message:has-text("已发布")');
  // The page follows the group's screens: the one playing had only its
  // built-in slide, which makes way at once, so the slide is on screen
  // already; the group's other screen never connected.
  const lobbyLine = page.locator('.publish-groups li[data-group=lobby]');
  await lobbyLine.filter({ hasText: '1/2 块屏幕已接收' }).waitFor({ timeout: 10000 });
  assert.match(await lobbyLine.textContent(), /^lobby：已上屏；1\/2 块屏幕已接收；1 块屏幕离线，恢复连接后更新$/);
  await waitFor(() => { const now = readSnapshot(); return now && !now.equals(before); }, 15000, 'the snapshot to change after the publish');

  // The screen shows that slide: the snapshot is the slide as the server
  // holds it, drawn alone with the group's header at the snapshot's time,
  // and the same slide under another title is clearly not it.
  const shownBytes = readSnapshot();
  const shownAt = fs.statSync(snapshot).mtimeMs;
  const shown = decodePng(shownBytes);
  assert.deepEqual([shown.width, shown.height], [640, 360]);
  const published = (await apiGet(page, '/api/v1/slides')).slides.find((s) => s.title === '文明出行 从我做起');
  assert.ok(published, 'the published slide is in the list');
  const settings = (await apiGet(page, '/api/v1/groups/lobby')).settings;
  const expected = await renderScreen('expected', published, settings, shownAt);
  const decoy = await renderScreen('decoy', { ...published, title: '垃圾分类 人人有责' }, settings, shownAt);
  const same = differingShare(shown, expected);
  const other = differingShare(shown, decoy);
  assert.ok(same < SAME_SCREEN, `the snapshot is the published slide (${same} of the pixels differ)`);
  assert.ok(other > CLEARLY_OTHER, `the decoy is clearly not it (${other} of the pixels differ)`);
  t.diagnostic(`snapshot: ${same} of the pixels differ from the slide drawn alone, ${other} from the decoy`);

  await go(page, '#dashboard', '.page-dashboard');
  await page.waitForSelector('.page-dashboard tr[data-screen=lobby] .dot.on');
  // The screen's state comes from its heartbeats: version and memory show.
  await page.waitForSelector('.page-dashboard tr[data-screen=lobby] td.hb-memory:has-text("MB")');
  // A screenshot on demand reaches the player through its waiting long-poll
  // and shows in the row: the screen's own 640x360 frame.
  await page.locator('.page-dashboard tr[data-screen=lobby] button.take-shot').click();
  // The row is drawn again once the new picture is there.
  await page.waitForSelector('#message:has-text("lobby 的截屏已更新")', { timeout: 20000 });
  await page.waitForFunction(() => {
    const row = document.querySelector('.page-dashboard tr[data-screen=lobby]');
    const img = row && row.querySelector('img.shot');
    return img && !img.hidden && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 20000 });
  // The picture the row shows, as the browser decoded it.
  const shotUrl = await page.$eval('.page-dashboard tr[data-screen=lobby] img.shot', (img) => {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    c.getContext('2d').drawImage(img, 0, 0);
    return c.toDataURL('image/png');
  });
  const screenshot = decodePng(Buffer.from(shotUrl.split(',')[1], 'base64'));
  assert.deepEqual([screenshot.width, screenshot.height], [640, 360]);
  // What the screen shows: nothing else went on screen since the snapshot.
  assert.ok(readSnapshot().equals(shownBytes), 'the screen still shows the published slide');
  const shotSame = differingShare(screenshot, shown);
  const shotOther = differingShare(screenshot, decoy);
  assert.ok(shotSame < SAME_SCREEN, `the screenshot is the screen's frame (${shotSame} of the pixels differ from the snapshot)`);
  assert.ok(shotOther > CLEARLY_OTHER, `the decoy is clearly not it (${shotOther} of the pixels differ)`);
  t.diagnostic(`screenshot: ${shotSame} of the pixels differ from the snapshot, ${shotOther} from the decoy`);
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

  // Submit them all; a reviewer approves them all.
  await page.getByRole('button', { name: /提交全部草稿/ }).click();
  await page.waitForSelector('.page-quiz tr:has-text("废电池属于哪一类") .status-pending');
  await signOut(page);
  await signIn(page, reviewer);
  await go(page, '#review', '.page-review tr:has-text("行人可以闯红灯")');
  await go(page, '#quiz', '.page-quiz');
  await page.getByRole('button', { name: /通过全部待审/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('.page-quiz .status-approved').length === 3);
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

// A small RGB PNG of one colour, for uploads.
function makePng(width, height, rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(rgb, y * (width * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function newSlide(page, type, title) {
  await go(page, '#editor', '#slide-form');
  await page.selectOption('#slide-form select[name=type]', type);
  await page.fill('#slide-form input[name=title]', title);
  await page.check('#slide-form input[name=purpose][value=' + (type === 'notice' ? 'notice' : 'public_service') + ']');
}

async function saveDraft(page, title) {
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForSelector(`#message:has-text("草稿「${title}」已保存")`);
}

test('every slide type can be written, with image uploads showing progress', async () => {
  const page = await newPage();
  await signIn(page, editor);

  await newSlide(page, 'image', '图片海报');
  await page.setInputFiles('#slide-form .media-picker input[type=file]', { name: 'poster.png', mimeType: 'image/png', buffer: makePng(320, 180, [200, 16, 46]) });
  await page.waitForSelector('#slide-form .media-picker small:has-text("已上传（320×180）")');
  assert.equal(await page.$eval('#slide-form .media-picker progress', (p) => p.value), 100);
  await page.fill('#slide-form input[name=caption]', '光盘行动');
  await saveDraft(page, '图片海报');

  // A film: uploaded from the video field's picker, its poster and facts
  // shown; the server makes the slide as long as the film, rounded up.
  await newSlide(page, 'video', '公益短片');
  assert.equal(await page.$eval('#slide-form .media-picker input[type=file]', (f) => f.accept.includes('video/mp4')), true);
  const film = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'signage-film-')), 'film.mp4');
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-t', '2.4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', film]);
  await page.setInputFiles('#slide-form .media-picker input[type=file]', film);
  await page.waitForSelector('#slide-form .media-picker small:has-text("影片：2.4 秒 · 320×180 · h264")');
  await page.waitForFunction(() => {
    const img = document.querySelector('#slide-form .media-picker img.thumb');
    return img && img.src.endsWith('/poster.png') && img.naturalWidth === 320;
  });
  // Played to its end, the film sets the length: shown, rounded up, not editable; looped, the editor sets it.
  const duration = page.locator('#slide-form input[name=duration_s]');
  assert.equal(await duration.inputValue(), '3');
  assert.equal(await duration.evaluate((x) => x.readOnly), true);
  await page.waitForSelector('#slide-form .film-length-note:has-text("时长由影片决定")');
  await page.selectOption('#slide-form select[name=play]', 'loop');
  assert.equal(await duration.evaluate((x) => x.readOnly), false);
  await page.selectOption('#slide-form select[name=play]', 'to_end');
  assert.equal(await duration.evaluate((x) => x.readOnly), true);
  await saveDraft(page, '公益短片');
  fs.rmSync(path.dirname(film), { recursive: true, force: true });
  const video = (await apiGet(page, '/api/v1/slides')).slides.find((s) => s.type === 'video');
  assert.equal(video.duration_s, 3);
  assert.equal(video.play, 'to_end');
  assert.equal(video.audio, false);

  await newSlide(page, 'honor_roll', '身边好人榜');
  await page.fill('#slide-form [data-list=honor] .entry input[name=name]', '李明');
  await page.fill('#slide-form [data-list=honor] .entry input[name=category]', '助人为乐');
  await page.setInputFiles('#slide-form [data-list=honor] .entry input[type=file]', { name: 'li.png', mimeType: 'image/png', buffer: makePng(60, 80, [30, 90, 160]) });
  await page.waitForSelector('#slide-form [data-list=honor] .entry small:has-text("已上传")');
  await page.getByRole('button', { name: '添加一行' }).click();
  await page.locator('#slide-form [data-list=honor] .entry input[name=name]').nth(1).fill('王芳');
  await saveDraft(page, '身边好人榜');
  const honor = await page.evaluate(async () => {
    const token = JSON.parse(sessionStorage.getItem('signage.session')).token;
    const r = await fetch('/api/v1/slides', { headers: { Authorization: 'Bearer ' + token } });
    return (await r.json()).slides.find((s) => s.type === 'honor_roll');
  });
  assert.deepEqual(honor.entries.map((e) => e.name), ['李明', '王芳']);
  assert.match(honor.entries[0].photo, /^[0-9a-f]{64}$/);

  await newSlide(page, 'red_black', '红黑榜');
  await page.fill('#slide-form [data-list=red] .entry input[name=name]', '张三明');
  await page.fill('#slide-form [data-list=red] .entry input[name=valid_until]', '2099-12-31');
  await saveDraft(page, '红黑榜');

  await newSlide(page, 'notice', '停水通知');
  await page.fill('#slide-form input[name=body]', '明日 9:00–12:00 幸福里小区停水');
  await saveDraft(page, '停水通知');

  await newSlide(page, 'core_values', '核心价值观');
  await saveDraft(page, '核心价值观');

  // An emergency without its end date: the error names the field.
  await newSlide(page, 'emergency', '暴雨预警');
  await page.fill('#slide-form textarea[name=body]', '请居民减少外出');
  await page.getByRole('button', { name: '保存草稿' }).click();
  // The field is named by its label, marked and focused.
  await page.waitForSelector('#message.error:has-text("“结束日期”有误")');
  assert.equal(await page.$eval('#slide-form input[name=valid_until]', (x) => x.classList.contains('invalid') && x === document.activeElement), true);
  await page.fill('#slide-form input[name=valid_until]', '2099-01-01');
  assert.equal(await page.$eval('#slide-form input[name=valid_until]', (x) => x.classList.contains('invalid')), false);
  await saveDraft(page, '暴雨预警');

  await go(page, '#content?status=draft&type=notice', '.page-content');
  assert.equal(await page.locator('.page-content tbody tr').count(), 1);
  await page.waitForSelector('.page-content tr:has-text("停水通知")');
  await go(page, '#content', '.page-content tr:has-text("暴雨预警")');
  await shot(page, 'content');
  await page.click('#lang');
  await page.waitForSelector('.page-content th:has-text("Title")');
  await shot(page, 'content-en');
  await page.click('#lang');
  await page.context().close();
});

test('a reviewer rejects with a reason; the editor sees it', async () => {
  const page = await newPage();
  await signIn(page, editor);
  await go(page, '#content?type=notice', '.page-content tr:has-text("停水通知")');
  await page.locator('.page-content tr', { hasText: '停水通知' }).getByRole('button', { name: '提交审核' }).click();
  await page.waitForSelector('.page-content tr:has-text("停水通知") .status-pending');
  await signOut(page);
  await signIn(page, reviewer);
  await go(page, '#review', '.page-review .review-card:has-text("停水通知")');
  const row = page.locator('.page-review .review-card', { hasText: '停水通知' });
  await row.getByRole('button', { name: '驳回' }).click();
  await page.waitForSelector('#message.error:has-text("驳回需要填写原因")');
  await row.locator('input.reason').fill('时间写错了');
  await row.getByRole('button', { name: '驳回' }).click();
  await page.waitForSelector('#message:has-text("已驳回")');
  await signOut(page);
  await signIn(page, editor);
  await go(page, '#content?status=rejected', '.page-content tr:has-text("时间写错了")');
  // Editing a rejected slide makes it a draft again.
  await page.locator('.page-content tr', { hasText: '停水通知' }).getByRole('link', { name: '编辑' }).click();
  await page.waitForSelector('#slide-form input[name=body]');
  assert.equal(await page.inputValue('#slide-form input[name=body]'), '明日 9:00–12:00 幸福里小区停水');
  await page.fill('#slide-form input[name=body]', '明日 13:00–16:00 幸福里小区停水');
  await saveDraft(page, '停水通知');
  await go(page, '#content?type=notice', '.page-content tr:has-text("停水通知") .status-draft');
  await page.context().close();
});

test('an admin changes group and quiz settings, sees users and the audit log, and a wrong pairing code is refused', async () => {
  const page = await newPage();
  await signIn(page, admin);
  await go(page, '#groups', '.page-groups .group-form');
  const form = page.locator('.page-groups section', { hasText: 'lobby' }).locator('form');
  await form.locator('input[name=q_pass_mark]').fill('1.5');
  await form.getByRole('button', { name: '保存' }).click();
  await page.waitForSelector('#message.error:has-text("“及格线（0–1）”有误：应在 0–1之间")');
  assert.equal(await form.locator('input[name=q_pass_mark]').evaluate((x) => x.classList.contains('invalid')), true);
  await form.locator('input[name=q_pass_mark]').fill('0.6');
  await form.locator('input[name=slogan]').fill('创建全国文明城市');
  await form.locator('input[name=power_off]').fill('23:00-06:00');
  // Film sound and the screens' video profile: a volume over 100 is refused by name.
  await form.locator('input[name=volume]').fill('120');
  await form.getByRole('button', { name: '保存' }).click();
  await page.waitForSelector('#message.error:has-text("“音量（0–100）”有误")');
  await form.locator('input[name=volume]').fill('35');
  await form.locator('input[name=quiet_hours]').fill('21:30-07:30');
  await form.locator('input[name=video_size]').fill('1280x720');
  await form.locator('input[name=codec_hevc]').check();
  await form.getByRole('button', { name: '保存' }).click();
  await page.waitForSelector('#message:has-text("设置已保存")');
  const saved = (await apiGet(page, '/api/v1/groups/lobby')).settings;
  assert.equal(saved.volume, 35);
  assert.deepEqual(saved.quiet_hours, [{ from: '21:30', to: '07:30' }]);
  assert.deepEqual(saved.video_profile, { max_width: 1280, max_height: 720, codecs: ['h264', 'hevc'], max_bitrate: 8000000 });
  await page.reload();
  await page.waitForSelector('.page-groups input[name=q_pass_mark]');
  assert.equal(await page.inputValue('.page-groups input[name=q_pass_mark]'), '0.6');
  assert.equal(await page.inputValue('.page-groups input[name=power_off]'), '23:00-06:00');
  assert.equal(await page.inputValue('.page-groups input[name=volume]'), '35');
  assert.equal(await page.inputValue('.page-groups input[name=quiet_hours]'), '21:30-07:30');
  assert.equal(await page.inputValue('.page-groups input[name=video_size]'), '1280x720');
  await shot(page, 'groups');

  // Prize codes: a malformed one is refused, saying what a code looks like.
  await go(page, '#prizes', '#prize-code');
  await page.fill('#prize-code', 'not-a-code');
  await page.getByRole('button', { name: '核验' }).click();
  await page.waitForSelector('#prize-result.bad:has-text("12 位字母和数字")');

  // Users and the audit log: the accounts, and the settings change above with
  // who made it.
  await go(page, '#users', '.page-users table');
  assert.match(await page.textContent('.page-users table'), /editor1/);
  await go(page, '#audit', '.page-audit table');
  const audit = await page.textContent('.page-audit table');
  assert.match(audit, /admin1/);
  // In the user's language: what was done to what.
  assert.match(audit, /修改分组 lobby/);
  assert.doesNotMatch(audit, /\b(update|group|create|approve)\b/);
  // Pairing with a code no screen shows is refused, naming the code.
  await go(page, '#pair', '.page-pair');
  await page.fill('.page-pair input[name=code]', '123456');
  await page.fill('.page-pair input[name=name]', 'gate');
  await page.getByRole('button', { name: '配对' }).click();
  await page.waitForSelector('#message.error:has-text("“屏幕上显示的配对码”有误：没有屏幕显示这个配对码")');
  await page.context().close();
});

test('an admin manages accounts, forbidden words and screens; a user changes their own password', async () => {
  const page = await newPage();
  await signIn(page, admin);

  // A new account: a too-short password is refused naming the field, then it is made.
  await go(page, '#users', '.page-users table');
  await page.fill('.page-users input[name=username]', 'editor2');
  await page.selectOption('.page-users select[name=new-role]', 'editor');
  await page.fill('.page-users input[name=password]', 'short');
  await page.getByRole('button', { name: '创建账号' }).click();
  await page.waitForSelector('#message.error:has-text("“初始密码”有误：至少需要 10 个字符")');
  await page.fill('.page-users input[name=password]', 'editor2-first-pass');
  await page.getByRole('button', { name: '创建账号' }).click();
  await page.waitForSelector('.page-users tr:has-text("editor2")');
  const row = page.locator('.page-users tr', { hasText: 'editor2' });
  await row.locator('select[name=role]').selectOption('reviewer');
  await page.waitForSelector('#message:has-text("editor2 的角色已改为审核员")');
  await shot(page, 'users');

  // Forbidden words: saved, then a slide using one is refused at submit.
  await go(page, '#settings', '.page-settings textarea[name=words]');
  await page.fill('.page-settings textarea[name=words]', '违禁测试词\n  \n另一个词');
  await page.getByRole('button', { name: '保存' }).click();
  await page.waitForSelector('#message:has-text("已保存 2 个敏感词")');

  // Screens: the spare screen is revoked (two clicks); its token stops working.
  await go(page, '#pair', '.page-pair tr[data-screen=hall]');
  const hall = page.locator('.page-pair tr[data-screen=hall]');
  await hall.getByRole('button', { name: '吊销' }).click();
  await hall.getByRole('button', { name: /确认吊销/ }).click();
  await page.waitForSelector('#message:has-text("屏幕 hall 的令牌已吊销")');
  await page.waitForSelector('.page-pair tr[data-screen=hall]:has-text("已吊销")');
  const refused = await fetch(URL_ + '/api/v1/player/manifest', { headers: { Authorization: 'Bearer ' + env('SPARE_TOKEN') } });
  assert.equal(refused.status, 401, 'a revoked screen token is refused');
  await shot(page, 'screens');
  await signOut(page);

  await signIn(page, editor);
  await go(page, '#editor', '#slide-form');
  await page.fill('#slide-form input[name=title]', '含有违禁测试词的标题');
  await page.fill('#slide-form textarea[name=body]', '正文');
  await page.check('#slide-form input[name=purpose][value=other]');
  await page.getByRole('button', { name: '保存并提交审核' }).click();
  await page.waitForSelector('#message.error:has-text("违禁测试词")');
  await signOut(page);

  // The new reviewer changes the first password; the old one stops working.
  await signIn(page, { user: 'editor2', password: 'editor2-first-pass' });
  assert.match(await page.textContent('#who-name'), /审核员/);
  await page.click('#who-name');
  await page.waitForSelector('.page-account input[name=old_password]');
  await page.fill('.page-account input[name=old_password]', 'editor2-first-pass');
  await page.fill('.page-account input[name=new_password]', 'editor2-second-pass');
  await page.fill('.page-account input[name=new_password_again]', 'editor2-typo-pass');
  await page.getByRole('button', { name: '修改密码' }).click();
  await page.waitForSelector('#message.error:has-text("不一致")');
  await page.fill('.page-account input[name=new_password_again]', 'editor2-second-pass');
  await page.getByRole('button', { name: '修改密码' }).click();
  await page.waitForSelector('#message:has-text("密码已修改")');
  await signOut(page);
  const login = (password) => fetch(URL_ + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'editor2', password }),
  });
  assert.equal((await login('editor2-first-pass')).status, 401, 'the old password no longer signs in');
  assert.equal((await login('editor2-second-pass')).status, 200, 'the new password signs in');

  // Disabled by an admin, the account can no longer sign in.
  await signIn(page, admin);
  await go(page, '#users', '.page-users tr:has-text("editor2")');
  await page.locator('.page-users tr', { hasText: 'editor2' }).getByRole('button', { name: '停用' }).click();
  await page.waitForSelector('#message:has-text("账号 editor2 已停用")');
  assert.equal((await login('editor2-second-pass')).status, 401, 'a disabled account cannot sign in');
  await page.context().close();
});

test('an answer that arrives after its user signed out does not sign out the next user', async () => {
  const page = await newPage();
  await signIn(page, editor);
  await go(page, '#editor', '#slide-form');
  await page.waitForSelector('#preview[data-state]:not([data-state="rendering"])', { timeout: 60000 });
  // The preview asked for after the typing is held until the next user is in:
  // it then reaches the server with the first user's ended session (401).
  let held;
  const caught = new Promise((resolve) => { held = resolve; });
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route('**/api/v1/preview*', async (route) => { held(); await released; await route.continue(); });
  // Typed without focus, so that leaving the field asks for no second preview.
  await page.$eval('#slide-form input[name=title]', (e) => {
    e.value = '离开前的预览';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await caught;
  await signOut(page);
  await signIn(page, reviewer);
  const late = page.waitForResponse((r) => r.url().includes('/api/v1/preview'));
  release();
  assert.equal((await late).status(), 401, 'the held preview went with the ended session');
  await page.waitForTimeout(500);
  assert.equal(await page.isVisible('#nav a'), true, 'the reviewer is still signed in');
  await go(page, '#review', '.page-review');
  assert.match(await page.textContent('#who-name'), new RegExp(reviewer.user));
  await page.context().close();
});

test('an emergency notice: an editor submits, a reviewer sends it to the screen, then withdraws it', async () => {
  // The emergency page draws a yellow warning band across the top of the screen.
  const banded = () => {
    const buf = readSnapshot();
    if (!buf) return false;
    const png = decodePng(buf);
    const at = (png.width * Math.round(png.height * 0.02) + Math.round(png.width * 0.2)) * png.bpp;
    const [r, g, b] = png.pixels.subarray(at, at + 3);
    return r > 200 && g > 150 && b < 90;
  };
  assert.ok(!banded(), 'no emergency on screen before');
  const page = await newPage();
  await signIn(page, editor);
  await go(page, '#emergency', '.page-emergency textarea[name=body]');
  await page.fill('.page-emergency input[name=title]', '停电通知');
  await page.fill('.page-emergency textarea[name=body]', '因线路抢修，今日 14:00–16:00 幸福里小区停电，请提前做好准备。');
  await page.check('.page-emergency input[name=group][value=lobby]');
  await page.getByRole('button', { name: '提交，请审核员批准播发' }).click();
  await page.waitForSelector('#message:has-text("已提交")');
  await page.waitForSelector('.page-emergency tr:has-text("停电通知") .status-pending');
  await signOut(page);

  await signIn(page, reviewer);
  await go(page, '#emergency', '.page-emergency tr:has-text("停电通知")');
  const row = page.locator('.page-emergency tr', { hasText: '停电通知' });
  await row.getByRole('button', { name: '批准并立即播发' }).click();
  await page.waitForSelector('#message:has-text("已播发到分组：lobby")');
  await waitFor(async () => banded(), 15000, 'the emergency notice on the screen');
  await page.waitForSelector('.page-emergency tr:has-text("停电通知") .status-emergency-live');
  await shot(page, 'emergency');

  // Withdrawing is one click: no reason needed. The notice is then
  // withdrawn (已撤回), not rejected, here and in the audit log.
  await row.getByRole('button', { name: '撤回', exact: true }).click();
  await page.waitForSelector('#message:has-text("已撤回")');
  await waitFor(async () => !banded(), 15000, 'the screen back to its rotation');
  await page.waitForSelector('.page-emergency tr:has-text("停电通知") .status-withdrawn:has-text("已撤回")');
  assert.equal(await page.locator('.page-emergency tr:has-text("停电通知") .status-rejected').count(), 0);
  await signOut(page);
  await signIn(page, admin);
  await go(page, '#audit', '.page-audit tr:has-text("撤回")');
  const withdrawRow = page.locator('.page-audit tr', { hasText: '撤回' }).first();
  assert.match(await withdrawRow.textContent(), /reviewer1.*撤回.*内容 \d+/);
  await page.context().close();
});

test('the play report shows the hours against the minimum, short ones in red, and downloads the CSV', async () => {
  // The screen reports two plays at 09:00 Beijing time on a past day (the
  // running player's own plays are today's): 10 s of public service and 30 s
  // of other content, one closed loop (25 % < 30 %).
  const play = (id, ps, start, ms, end) => ({
    id, kind: 'item', loop_id: 'browser-L1', loop_end: end, slide_id: ps ? '1' : '2',
    title: ps ? '文明出行' : '社区通知', start, duration_ms: ms, public_service: ps, manifest_version: 'v',
  });
  const res = await fetch(URL_ + '/api/v1/player/plays', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + env('SIGNAGE_TOKEN'), 'Content-Type': 'application/json' },
    body: JSON.stringify({ plays: [
      play('browser-play-1', true, '2026-01-15T01:00:00.000Z', 10000, false),
      play('browser-play-2', false, '2026-01-15T01:00:10.000Z', 30000, true)] }),
  });
  assert.equal(res.status, 200);

  const page = await newPage();
  await signIn(page, reviewer);
  await go(page, '#reports?scope=' + encodeURIComponent('group=lobby') + '&day=2026-01-15', '#report-summary');
  assert.match(await page.textContent('#report-summary'), /25\.0%.*30\.0%/);
  // The hour 09:00 and the loop that started then, both short.
  const short = page.locator('.page-reports tr.short', { hasText: '2026-01-15 09:00' });
  assert.equal(await short.count(), 2);
  assert.equal(await short.first().evaluate((tr) => getComputedStyle(tr.querySelector('td')).backgroundColor), 'rgb(248, 215, 218)');
  assert.match(await page.textContent('.page-reports'), /browser-L1/);
  await shot(page, 'reports');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: '下载 CSV：按小时' }).click(),
  ]);
  const csv = fs.readFileSync(await download.path());
  assert.equal(csv.subarray(0, 3).toString('hex'), 'efbbbf', 'a byte order mark for Excel');
  const lines = csv.subarray(3).toString('utf8').split('\r\n');
  assert.equal(lines[0].split(',')[0], '日期 date');
  assert.ok(lines.includes('2026-01-15,9,2,40000,10000,0.2500,0.3000,yes'), lines.join('\n'));
  await page.context().close();
});

test('the media library takes several uploads, and an honour roll is filled from a CSV and a library photo', async () => {
  const page = await newPage();
  await signIn(page, editor);
  await go(page, '#media', '.page-media');
  await page.setInputFiles('#media-upload', [
    { name: 'a.png', mimeType: 'image/png', buffer: makePng(90, 60, [12, 120, 70]) },
    { name: 'b.png', mimeType: 'image/png', buffer: makePng(60, 90, [150, 40, 120]) },
  ]);
  await page.waitForSelector('#message:has-text("已上传 2 个文件")');
  await page.waitForSelector('.page-media tr:has-text("90×60")');
  await page.waitForSelector('.page-media tr:has-text("60×90")');
  assert.match(await page.textContent('.page-media tr:has-text("90×60")'), /editor1/);
  await shot(page, 'media');

  await newSlide(page, 'honor_roll', '好人榜（导入）');
  const csv = (text) => ({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  // An unknown column is named, and the table is left alone.
  await page.setInputFiles('#honor-csv', csv('姓名,爱好\n李明,读书\n'));
  await page.waitForSelector('#message.error:has-text("爱好")');
  await page.setInputFiles('#honor-csv', csv('\uFEFF姓名,类别,单位,事迹\r\n李明,助人为乐,幸福里社区,"坚持十年照顾孤寡老人，""随叫随到"""\r\n王芳,孝老爱亲,"幸福里社区, 3 号楼",悉心照料瘫痪婆婆\r\n'));
  await page.waitForSelector('#message:has-text("已从 CSV 读入 2 人")');
  const names = await page.$$eval('#slide-form [data-list=honor] .entry input[name=name]', (xs) => xs.map((x) => x.value));
  assert.deepEqual(names, ['李明', '王芳']);
  assert.equal(await page.inputValue('#slide-form [data-list=honor] .entry:nth-child(2) input[name=unit]'), '幸福里社区, 3 号楼');
  assert.equal(await page.inputValue('#slide-form [data-list=honor] .entry:nth-child(1) textarea[name=deed]'), '坚持十年照顾孤寡老人，"随叫随到"');

  // The first person's photo comes from the library.
  const first = page.locator('#slide-form [data-list=honor] .entry').first();
  await first.getByRole('button', { name: '从媒体库选择' }).click();
  await first.locator('.media-grid .media-tile').first().click();
  await first.locator('img.thumb:not([hidden])').waitFor();
  await saveDraft(page, '好人榜（导入）');
  const saved = await page.evaluate(async () => {
    const token = JSON.parse(sessionStorage.getItem('signage.session')).token;
    const r = await fetch('/api/v1/slides', { headers: { Authorization: 'Bearer ' + token } });
    return (await r.json()).slides.find((s) => s.title === '好人榜（导入）');
  });
  assert.equal(saved.entries.length, 2);
  assert.match(saved.entries[0].photo, /^[0-9a-f]{64}$/);
  assert.equal(saved.entries[1].unit, '幸福里社区, 3 号楼');
  await page.context().close();
});

test('the honour-roll editor fits 1280 px in both languages, people reorder, and the preview says when a deed is shortened', async () => {
  const page = await newPage();
  await signIn(page, editor);
  const deed = '2026年7月暴雨期间，退休党员王大海连续七天带领十二名志愿者转移低洼地带群众三百余人，自掏腰包购买沙袋和应急物资，在社区值守点为受灾群众送去热饭热水；洪水退去后，他又组织邻里清淤消杀，帮助独居老人修缮房屋，被群众亲切地称为“守护社区的老黄牛”。';
  // Every field of a person is wide enough to read what it holds, and
  // nothing spills out of the form.
  const checkFits = async (lang) => {
    const m = await page.evaluate(() => {
      const box = document.querySelector('#slide-form [data-list=honor]').closest('fieldset');
      const controls = [...box.querySelectorAll('.entry input:not([type=hidden]):not([type=file]), .entry textarea')];
      return {
        overflow: box.scrollWidth - box.clientWidth,
        narrowest: Math.min(...controls.map((c) => c.getBoundingClientRect().width)),
        deed: document.querySelector('.entry textarea[name=deed]').getBoundingClientRect().width,
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    assert.ok(m.overflow <= 1, `${lang}: the fieldset overflows by ${m.overflow} px`);
    assert.ok(m.page <= 1, `${lang}: the page scrolls sideways by ${m.page} px`);
    assert.ok(m.narrowest >= 110, `${lang}: a field of a person is ${m.narrowest} px wide`);
    assert.ok(m.deed >= 400, `${lang}: the deed is ${m.deed} px wide`);
  };
  await newSlide(page, 'honor_roll', '抗洪好人榜');
  const people = page.locator('#slide-form [data-list=honor] .entry');
  await people.nth(0).locator('input[name=name]').fill('王大海');
  await people.nth(0).locator('textarea[name=deed]').fill(deed);
  await page.getByRole('button', { name: '添加一行' }).click();
  await people.nth(1).locator('input[name=name]').fill('刘芳');
  await people.nth(1).locator('textarea[name=deed]').fill(deed);
  await checkFits('zh');
  // Two people on a page: both deeds are whole on the screen, no warning.
  await page.waitForSelector('#preview[data-state=ready]', { timeout: 60000 });
  assert.equal(await page.locator('#preview-warnings li').count(), 0);
  // A person without a name: the error names the person and the field by
  // their labels, and marks that field.
  await people.nth(1).locator('input[name=name]').fill('');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.waitForSelector('#message.error:has-text("“光荣榜人员 · 第 2 项 · 姓名”有误")');
  assert.equal(await people.nth(1).locator('input[name=name]').evaluate((x) => x.classList.contains('invalid') && x === document.activeElement), true);
  await people.nth(1).locator('input[name=name]').fill('刘芳');
  // Moved down by the button, as by the keyboard: the order is saved.
  await people.nth(0).getByRole('button', { name: '下移' }).click();
  assert.deepEqual(await people.locator('input[name=name]').evaluateAll((xs) => xs.map((x) => x.value)), ['刘芳', '王大海']);
  await saveDraft(page, '抗洪好人榜');
  const saved = (await apiGet(page, '/api/v1/slides')).slides.find((s) => s.title === '抗洪好人榜');
  assert.deepEqual(saved.entries.map((e) => e.name), ['刘芳', '王大海']);
  assert.equal(saved.entries[1].deed, deed);
  // Four long deeds on a page do not fit whole: the preview says whose are shortened.
  for (const name of ['张强', '李娜']) {
    await page.getByRole('button', { name: '添加一行' }).click();
    await people.last().locator('input[name=name]').fill(name);
    await people.last().locator('textarea[name=deed]').fill(deed);
  }
  await page.waitForSelector('#preview-warnings li:has-text("光荣榜人员 · 第 4 项 · 事迹")', { timeout: 60000 });

  await page.click('#lang');
  await newSlideEnglish(page);
  await page.getByRole('button', { name: 'Add a row' }).click();
  await checkFits('en');
  await page.context().close();
});

// A new honour roll in the English console.
async function newSlideEnglish(page) {
  await go(page, '#editor', '#slide-form');
  await page.selectOption('#slide-form select[name=type]', 'honor_roll');
  await page.waitForSelector('#slide-form [data-list=honor] .entry');
}

test('review with eyes: each pending slide as the screens draw it, what changed since the live version, and an approval of the revision looked at', async () => {
  // The editor's side, over HTTP: a slide approved once, then changed.
  const as = async (who) => (await (await fetch(URL_ + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: who.user, password: who.password }),
  })).json()).token;
  const call = async (token, method, route, body) => {
    const res = await fetch(URL_ + '/api/v1' + route, {
      method, headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token }, body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(res.ok, `${method} ${route}: HTTP ${res.status}`);
    return res.json();
  };
  const ed = await as(editor);
  const rv = await as(reviewer);
  const slide = { type: 'text', title: '节约用水 人人有责', body: '随手关紧水龙头。', duration_s: 10, purpose: 'public_service' };
  const { id } = await call(ed, 'POST', '/slides', slide);
  const { revision } = await call(ed, 'POST', `/slides/${id}/submit`);
  await call(rv, 'POST', `/slides/${id}/approve`, { revision });
  await call(ed, 'PUT', `/slides/${id}`, { ...slide, title: '节约用水 从我做起', body: '随手关紧水龙头，一水多用。' });

  const page = await newPage();
  await signIn(page, reviewer);
  await go(page, '#review', `.page-review .review-card[data-id="${id}"]`);
  const card = page.locator(`.page-review .review-card[data-id="${id}"]`);
  // The screens' own pictures, landscape and portrait.
  await page.waitForFunction((i) => {
    const imgs = [...document.querySelectorAll(`.review-card[data-id="${i}"] .review-shot img`)];
    return imgs.length === 2 && imgs.every((img) => img.complete && img.naturalWidth > 0);
  }, id, { timeout: 60000 });
  const sizes = await card.locator('.review-shot img').evaluateAll((xs) => xs.map((x) => [x.naturalWidth, x.naturalHeight]));
  assert.deepEqual(sizes, [[480, 270], [270, 480]]);
  // What changed since the live version, field by field, in the user's words.
  const rows = await card.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.sort(), [['标题', '节约用水 人人有责', '节约用水 从我做起'], ['正文（空行分段）', '随手关紧水龙头。', '随手关紧水龙头，一水多用。']].sort());
  const seen = await card.getAttribute('data-revision');
  assert.match(seen, /^[0-9a-f]{12}$/);
  await shot(page, 'review-eyes');

  // Changed again while the reviewer looks: the approval of what was seen is
  // refused, the page shows the new revision, which is then approved.
  await call(ed, 'PUT', `/slides/${id}`, { ...slide, title: '节约用水 从我做起', body: '随手关紧水龙头，一水多用，人人节水。' });
  await card.getByRole('button', { name: '通过（版本 ' + seen + '）' }).click();
  await page.waitForSelector('#message.error:has-text("之后又被修改")');
  assert.equal((await call(rv, 'GET', `/slides/${id}`)).status, 'pending');
  const now = await page.locator(`.page-review .review-card[data-id="${id}"]`).getAttribute('data-revision');
  assert.notEqual(now, seen);
  await page.locator(`.page-review .review-card[data-id="${id}"]`).getByRole('button', { name: '通过（版本 ' + now + '）' }).click();
  await page.waitForSelector('#message:has-text("已通过")');
  const approved = await call(rv, 'GET', `/slides/${id}`);
  assert.equal(approved.status, 'approved');
  assert.equal(approved.body, '随手关紧水龙头，一水多用，人人节水。');
  // The audit log names the revision approved.
  const audit = await call(rv, 'GET', `/audit?object_type=slide&object_id=${id}`);
  assert.ok(audit.entries.some((e) => e.action === 'approve' && JSON.stringify(e).includes(now)), 'the approval names its revision');
  await page.context().close();
});

// The page's words outside the given content (names, titles, users): what
// the console itself says, tooltips included.
async function chromeText(page, root, content) {
  const text = await page.$eval(root, (r) => [r.innerText, ...[...r.querySelectorAll('[title], [placeholder], option')]
    .map((e) => `${e.title || ''} ${e.placeholder || ''} ${e.tagName === 'OPTION' ? e.textContent : ''}`)].join('\n'));
  return content.filter(Boolean).sort((a, b) => b.length - a.length).reduce((t, c) => t.replaceAll(c, ' '), text);
}
const NO_ENGLISH = /(?!KB\b|MB\b|PNG\b|JPEG\b|MP4\b|WebM\b|MOV\b)\b[A-Za-z]{3,}/;
const NO_CHINESE = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

// A request of the API with the page's session.
async function apiCall(page, method, route, body) {
  return page.evaluate(async ([m, r, b]) => {
    const token = JSON.parse(sessionStorage.getItem('signage.session')).token;
    const res = await fetch(r, { method: m, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
    return { status: res.status, json: res.status === 204 ? null : await res.json() };
  }, [method, route, body]);
}

test('media keep their names and show size and uploader; search narrows; a used one cannot be deleted, an unused one goes', async () => {
  const page = await newPage();
  await signIn(page, editor);
  await go(page, '#media', '.page-media');
  const poster = makePng(120, 80, [30, 90, 160]);
  const spare = makePng(80, 120, [160, 90, 30]);
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  const posterRow = `.page-media tr[data-sha="${sha(poster)}"]`;
  const spareRow = `.page-media tr[data-sha="${sha(spare)}"]`;
  await page.setInputFiles('#media-upload', [
    { name: '街道海报 2026.png', mimeType: 'image/png', buffer: poster },
    { name: 'spare-photo.png', mimeType: 'image/png', buffer: spare },
  ]);
  await page.waitForSelector('#message:has-text("已上传 2 个文件")');
  await page.waitForSelector(posterRow);
  // Listed by the file's name, with its size in KB, dimensions and uploader.
  assert.equal(await page.inputValue(`${posterRow} input.media-name`), '街道海报 2026.png');
  assert.equal(await page.inputValue(`${spareRow} input.media-name`), 'spare-photo.png');
  const cells = await page.$$eval(`${posterRow} td`, (tds) => tds.map((td) => td.textContent.trim()));
  assert.match(cells[2], /^\d+ KB$/);
  assert.equal(cells[3], '120×80');
  assert.equal(cells[5], editor.user);
  assert.match(cells[7], /未被使用/);

  // The search narrows the list to names that contain it.
  const rows = () => page.$$eval('.page-media tbody tr[data-sha]', (trs) => trs.map((tr) => tr.dataset.sha));
  await page.fill('#media-search', '街道海报');
  await waitFor(async () => { const r = await rows(); return r.length === 1 && r[0] === sha(poster); }, 5000, 'the search to leave the poster alone');
  await page.fill('#media-search', 'no such file name');
  await page.waitForSelector('.page-media tbody td:has-text("没有符合条件的文件")');
  await page.fill('#media-search', '');
  await page.waitForSelector(spareRow);

  // Renamed in place.
  await page.fill(`${spareRow} input.media-name`, '备用照片.png');
  await page.press(`${spareRow} input.media-name`, 'Enter');
  await page.waitForSelector('#message:has-text("已改名为「备用照片.png」")');
  assert.equal((await apiGet(page, '/api/v1/media?q=' + encodeURIComponent('备用照片'))).media.length, 1);

  // Used by a draft: the delete button is disabled and says by what.
  const draft = await apiCall(page, 'POST', '/api/v1/slides', { type: 'image', title: '海报草稿（媒体库测试）', media: sha(poster), purpose: 'other' });
  assert.equal(draft.status, 201);
  await go(page, '#media', posterRow);
  assert.equal(await page.isDisabled(`${posterRow} button.danger`), true);
  const why = await page.getAttribute(`${posterRow} .why-disabled`, 'title');
  assert.match(why, /正被使用，不能删除：「海报草稿（媒体库测试）」（草稿）/);
  assert.equal(await page.getAttribute(`${posterRow} td.used-by a`, 'href'), '#editor/' + draft.json.id);
  await shot(page, 'media-used');

  // Unused: deleted, gone from the list and from the server.
  page.once('dialog', (d) => d.accept());
  await page.click(`${spareRow} button.danger`);
  await page.waitForSelector('#message:has-text("已删除「备用照片.png」")');
  await page.waitForSelector(spareRow, { state: 'detached' });
  assert.equal((await page.request.get(URL_ + '/media/' + sha(spare))).status(), 404);
  assert.equal((await page.request.get(URL_ + '/media/' + sha(poster))).status(), 200);

  // Neither language strays into the other.
  const content = ['街道海报 2026.png', '海报草稿（媒体库测试）', 'spare-photo.png', editor.user, 'a.png', 'b.png'];
  const names = (await apiGet(page, '/api/v1/media')).media.flatMap((m) => [m.name, ...m.used_by.map((u) => u.title)]);
  assert.doesNotMatch(await chromeText(page, '.page-media', [...content, ...names]), NO_ENGLISH, 'no English in the Chinese media page');
  await page.click('#lang');
  await go(page, '#media', posterRow);
  const english = await chromeText(page, '.page-media', [...content, ...names]);
  assert.equal(await page.getAttribute(`${posterRow} .why-disabled`, 'title'), 'In use, cannot be deleted: "海报草稿（媒体库测试）" (draft)');
  assert.doesNotMatch(english, NO_CHINESE, 'no Chinese in the English media page');
  await page.click('#lang');
  await page.context().close();
});

test('an editor duplicates a slide from the content list and edits the copy; the list searches and sorts', async () => {
  const page = await newPage();
  await signIn(page, editor);
  const made = [];
  for (const [title, body] of [['乙 复制测试 节约用水', '随手关紧水龙头，一水多用。'], ['甲 复制测试 文明养犬', '出门遛狗请牵绳，及时清理粪便。']]) {
    const r = await apiCall(page, 'POST', '/api/v1/slides', { type: 'text', title, body, purpose: 'public_service' });
    assert.equal(r.status, 201);
    made.push(r.json);
  }
  await go(page, '#content', '#content-search');
  const titles = () => page.$$eval('.page-content tbody tr[data-id] td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
  // Search in the body text narrows the list.
  await page.fill('#content-search', '遛狗');
  await waitFor(async () => JSON.stringify(await titles()) === JSON.stringify(['甲 复制测试 文明养犬']), 5000, 'the search by body text');
  // Sorted by title: 甲 before 乙 (in the list's id order 乙 came first).
  await page.fill('#content-search', '复制测试');
  await waitFor(async () => JSON.stringify(await titles()) === JSON.stringify(['乙 复制测试 节约用水', '甲 复制测试 文明养犬']), 5000, 'both in id order');
  await page.selectOption('#content-sort', 'title');
  await waitFor(async () => JSON.stringify(await titles()) === JSON.stringify(['甲 复制测试 文明养犬', '乙 复制测试 节约用水']), 5000, 'sorted by title');
  // Changed after the other (times have whole seconds): the latest change comes first.
  await waitFor(async () => new Date().toISOString().slice(0, 19) > made[1].updated_at.slice(0, 19), 3000, 'the next second');
  const changed = await apiCall(page, 'PUT', '/api/v1/slides/' + made[0].id, { type: 'text', title: made[0].title, body: made[0].body + '节水光荣。', purpose: 'public_service' });
  assert.equal(changed.status, 200);
  await go(page, '#content', '#content-search');
  await page.fill('#content-search', '复制测试');
  await page.selectOption('#content-sort', 'updated');
  await waitFor(async () => JSON.stringify(await titles()) === JSON.stringify(['乙 复制测试 节约用水', '甲 复制测试 文明养犬']), 5000, 'the latest change first');

  // 复制 opens the copy in the editor.
  await page.click(`.page-content tr[data-id="${made[0].id}"] button:has-text("复制")`);
  await page.waitForSelector('#message:has-text("已复制为「乙 复制测试 节约用水（副本）」")');
  await page.waitForSelector('#slide-form');
  const copyId = await page.evaluate(() => location.hash.replace('#editor/', ''));
  assert.notEqual(copyId, made[0].id);
  assert.equal(await page.inputValue('#slide-form input[name=title]'), '乙 复制测试 节约用水（副本）');
  assert.equal(await page.inputValue('#slide-form textarea[name=body]'), '随手关紧水龙头，一水多用。节水光荣。');
  // Saved as the editor changes it, the original stays as it was.
  await page.fill('#slide-form input[name=title]', '乙 复制测试 节约用水 新版');
  await saveDraft(page, '乙 复制测试 节约用水 新版');
  assert.equal((await apiGet(page, '/api/v1/slides/' + made[0].id)).title, '乙 复制测试 节约用水');
  const copy = await apiGet(page, '/api/v1/slides/' + copyId);
  assert.equal(copy.status, 'draft');
  assert.equal(copy.author, editor.user);

  // The editor says which image size fits the zone: the targeted screens'
  // main zone when their size is known, else the layout's at 1920×1080 and 1080×1920.
  await go(page, '#editor?type=image', '#slide-form .best-size');
  const { groups } = await apiGet(page, '/api/v1/groups');
  const known = groups.flatMap((g) => g.screen_sizes);
  const best = await page.textContent('#slide-form .best-size');
  assert.match(best, /^最佳图片尺寸：.*\d+×\d+ 像素/);
  if (known.length) for (const s of known) assert.ok(best.includes(`${s.main_zone.width}×${s.main_zone.height}`), best);
  else assert.match(best, /横屏 1920×908；竖屏 1080×1660 像素 尚不知道目标屏幕的分辨率/);

  // Both languages.
  const content = (await apiGet(page, '/api/v1/slides')).slides.flatMap((s) => [s.title, s.author, s.reject_reason, ...(s.groups || [])]);
  await go(page, '#content', '#content-search');
  assert.doesNotMatch(await chromeText(page, '.page-content', [...content, 'PNG']), NO_ENGLISH, 'no English in the Chinese content list');
  await page.click('#lang');
  await go(page, '#content', '#content-search');
  const english = await chromeText(page, '.page-content', content);
  assert.match(english, /Duplicate/);
  assert.doesNotMatch(english, NO_CHINESE, 'no Chinese in the English content list');
  await go(page, '#editor?type=image', '#slide-form .best-size');
  assert.match(await page.textContent('#slide-form .best-size'), /^Best image size: .*\d+×\d+ pixels/);
  assert.doesNotMatch(await page.textContent('#slide-form .best-size'), NO_CHINESE);
  await page.click('#lang');
  await page.context().close();
});

test('the editor sets the days, times, QR code and background of a slide with pickers, and the preview draws them', async () => {
  const page = await newPage();
  await signIn(page, editor);
  await newSlide(page, 'text', '周末夜间文明提示');
  await page.fill('#slide-form textarea[name=body]', '夜间请勿高声喧哗。');
  // Dates are picked, not typed as text.
  assert.equal(await page.getAttribute('#slide-form input[name=valid_until]', 'type'), 'date');
  await page.fill('#slide-form input[name=valid_until]', '2099-12-31');
  const when = page.locator('#slide-form fieldset.when-look');
  await when.getByLabel('周六').check();
  await when.getByLabel('周日').check();
  await when.getByRole('button', { name: '添加时段' }).click();
  await when.locator('.daypart input[name=daypart_from]').fill('18:30');
  await when.locator('.daypart input[name=daypart_to]').fill('00:00');
  await when.locator('input[name=qr_text]').fill('https://wenming.example.cn/ye');
  await when.locator('input[name=qr_label]').fill('扫码了解详情');
  await when.getByLabel('使用自选颜色').check();
  await when.locator('input[name=bg_color]').fill('#0b6e4f');
  // The preview is drawn with the background and the QR code.
  await page.waitForSelector('#preview[data-state=ready]', { timeout: 60000 });
  const png = Buffer.from(await page.evaluate(async () => {
    const blob = await (await fetch(document.querySelector('#preview-img').src)).blob();
    return [...new Uint8Array(await blob.arrayBuffer())];
  }));
  const img = decodePng(png);
  let green = 0, white = 0;
  for (let i = 0; i < img.pixels.length; i += img.bpp) {
    const [r, g, b] = [img.pixels[i], img.pixels[i + 1], img.pixels[i + 2]];
    if (Math.abs(r - 0x0b) < 12 && Math.abs(g - 0x6e) < 12 && Math.abs(b - 0x4f) < 12) green++;
    if (r > 250 && g > 250 && b > 250) white++;
  }
  const n = img.width * img.height;
  assert.ok(green / n > 0.3, `the chosen background covers ${(100 * green / n).toFixed(1)} % of the preview`);
  assert.ok(white / n > 0.02, 'the QR card is drawn');
  await saveDraft(page, '周末夜间文明提示');
  const saved = (await apiGet(page, '/api/v1/slides')).slides.find((x) => x.title === '周末夜间文明提示');
  assert.deepEqual(saved.schedule, { weekdays: [6, 7], dayparts: [{ from: '18:30', to: '00:00' }] });
  assert.deepEqual(saved.qr, { text: 'https://wenming.example.cn/ye', label: '扫码了解详情' });
  assert.equal(saved.background, '#0b6e4f');
  assert.equal(saved.valid_until, '2099-12-31');
  // Opened again, the form shows what was saved; saving keeps it.
  await go(page, '#editor/' + saved.id, '#slide-form fieldset.when-look');
  assert.deepEqual(await page.$$eval('#slide-form input[name=weekday]:checked', (xs) => xs.map((x) => x.value)), ['6', '7']);
  assert.equal(await page.inputValue('#slide-form .daypart input[name=daypart_from]'), '18:30');
  assert.equal(await page.inputValue('#slide-form input[name=qr_label]'), '扫码了解详情');
  // Emptied, they are gone: every day, all day, no QR code, the type's own look.
  await page.locator('#slide-form .daypart').getByRole('button', { name: '移除' }).click();
  await page.locator('#slide-form fieldset.when-look').getByLabel('周六').uncheck();
  await page.locator('#slide-form fieldset.when-look').getByLabel('周日').uncheck();
  await page.fill('#slide-form input[name=qr_text]', '');
  await page.fill('#slide-form input[name=qr_label]', '');
  await page.locator('#slide-form fieldset.when-look').getByLabel('使用自选颜色').uncheck();
  await saveDraft(page, '周末夜间文明提示');
  const plain = await apiGet(page, '/api/v1/slides/' + saved.id);
  assert.equal(plain.schedule, undefined);
  assert.equal(plain.qr, undefined);
  assert.equal(plain.background, undefined);
  await page.context().close();
});

test('an upload over the limit says its size in MB, in the user\'s words, and leaves no progress bar', async () => {
  const page = await newPage();
  await signIn(page, editor);
  await newSlide(page, 'image', '超大图片');
  const big = Buffer.alloc(33 * 1024 * 1024 + 17, 0x42);  // over the server's 32 MiB
  await page.setInputFiles('#slide-form .media-picker input[type=file]', { name: 'big.png', mimeType: 'image/png', buffer: big });
  await page.waitForSelector('#message.error:has-text("「big.png」有 34.6 MB，超过了服务器允许的上传大小")', { timeout: 60000 });
  const bar = await page.$eval('#slide-form .media-picker progress', (p) => ({ hidden: p.hidden, value: p.value }));
  assert.deepEqual(bar, { hidden: true, value: 0 });
  assert.doesNotMatch(await page.textContent('#message'), /bytes|[0-9]{6,}/);
  await page.context().close();
});

test('a prize screen\'s link opens the redemption page on a phone, through sign-in, and hands the prize out once', async () => {
  // The code the lobby screen makes for a prize today, and the link its QR
  // code holds (PUBLIC_URL/#prizes?code=CODE).
  const codeFor = async (serial) => (await promisify(execFile)(path.join(env('SIGNAGE_BIN'), 'signage-test-claim-code'), [env('SIGNAGE_TOKEN'), serial])).stdout.trim();
  const code = await codeFor('7');
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{12}$/);
  const grouped = code.match(/.{4}/g).join('-');
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(URL_ + '/#prizes?code=' + code);
  // Not signed in yet: the sign-in form; the code waits in the link.
  await page.waitForSelector('#login-form', { state: 'visible' });
  await signIn(page, reviewer);
  await page.waitForSelector('#prize-card:not([hidden])');
  assert.equal(await page.inputValue('#prize-code'), grouped);
  assert.equal((await page.textContent('#prize-card .prize-code')).trim(), grouped);
  assert.match(await page.textContent('#prize-card'), /lobby/);
  assert.match(await page.textContent('#prize-card'), /尚未兑换/);
  // Usable on the phone: nothing wider than the screen, a big button in view.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  const confirm = page.getByRole('button', { name: '确认发放奖品' });
  const box = await confirm.boundingBox();
  assert.ok(box.height >= 48 && box.width >= 300, `the confirm button is big: ${JSON.stringify(box)}`);
  assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844, 'the confirm button is on the first screen');
  await shot(page, 'prize-phone');
  await confirm.tap();
  await page.waitForSelector('#prize-result.good:has-text("兑换成功")');
  assert.equal(await page.locator('#prize-card').isHidden(), true);

  // The link again: handed out already, said so, and no button.
  await page.reload();
  await page.waitForSelector('#prize-card:not([hidden])');
  assert.match(await page.textContent('#prize-card'), /reviewer1/);
  assert.equal(await page.getByRole('button', { name: '确认发放奖品' }).count(), 0);
  // Redeeming it anyway is refused with who handed it out.
  await page.getByRole('button', { name: '兑换', exact: true }).tap();
  await page.waitForSelector('#prize-result.bad:has-text("此码已兑换过")');

  // Typed by hand with a character wrong: not genuine.
  await go(page, '#prizes', '#prize-code');
  const wrong = grouped.slice(0, 13) + (grouped[13] === 'Z' ? 'Y' : 'Z');
  await page.fill('#prize-code', wrong.toLowerCase());
  await page.getByRole('button', { name: '核验' }).tap();
  await page.waitForSelector('#prize-result.bad:has-text("无效的奖品码")');
  // Genuine, but past the group's daily prize limit (50 by default): refused, saying why.
  const over = await codeFor('77');
  await go(page, '#prizes?code=' + over, '#prize-result.bad');
  assert.match(await page.textContent('#prize-result'), /超出当日奖品上限（每块屏幕每天 50 个）/);

  // The English console says the same in English only.
  await page.click('#lang');
  await go(page, '#prizes?code=' + code, '#prize-card:not([hidden])');
  const english = await page.textContent('.page-prizes');
  assert.match(english, /Redeemed at/);
  assert.doesNotMatch(english, /[\u4e00-\u9fff]/, 'no Chinese in the English page');
  await go(page, '#prizes?code=' + over, '#prize-result.bad');
  assert.match(await page.textContent('#prize-result'), /over the day's prize limit \(50 a screen\)/);
  await context.close();
});

// A session token of `who`, signed in from the test (not a page).
async function tokenOf(who) {
  const login = await (await fetch(URL_ + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: who.user, password: who.password }),
  })).json();
  return login.token;
}

// A request of the API with `token`, from the test: { status, json }.
async function apiAs(token, method, route, body) {
  const res = await fetch(URL_ + '/api/v1' + route, {
    method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

// A screen paired the way a new screen pairs (a code, an admin claims it into
// `group`, the screen collects its token): its device token.
async function pairScreen(name, group) {
  const asked = await fetch(URL_ + '/api/v1/player/pair', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name_hint: name }),
  });
  assert.equal(asked.status, 201);
  const { code, pairing_id: pairingId } = await asked.json();
  const claimed = await apiAs(await tokenOf(admin), 'POST', '/screens/pair', { code, name, group });
  assert.equal(claimed.status, 201);
  const paired = await (await fetch(URL_ + '/api/v1/player/pair/' + pairingId)).json();
  assert.equal(paired.status, 'paired');
  return paired.token;
}

// A screen of the test's own, paired the way a new screen pairs (a code, an
// admin claims it, the screen collects its token), that answers screenshot
// commands as `answer` says: the device protocol spoken by hand, so the
// screen can fail or stay silent on purpose.
async function handMadeScreen(name, answer) {
  const token = await pairScreen(name, 'lobby');
  let stopped = false;
  let etag = '';
  const polls = (async () => {
    while (!stopped) {
      const res = await fetch(URL_ + '/api/v1/player/manifest?wait=5', {
        headers: { Authorization: 'Bearer ' + token, 'Signage-Commands': 'screenshot', ...(etag ? { 'If-None-Match': etag } : {}) },
      });
      if (res.status === 200 && res.headers.get('signage-command') === 'screenshot') {
        await answer(token, (await res.json()).id);
      } else if (res.status === 200) {
        etag = res.headers.get('etag');
        await res.arrayBuffer();
      } else {
        await res.arrayBuffer();
      }
    }
  })();
  return { token, stop: async () => { stopped = true; await polls; } };
}

test('the dashboard shows an error when a screen fails a screenshot or never answers, within the time limit', async (t) => {
  const limitS = Number(env('SCREENSHOT_TIMEOUT_S'));
  // One screen reports that it cannot read its frame; another gets the
  // command and never answers.
  const failing = await handMadeScreen('kiosk', async (token, id) => {
    const res = await fetch(URL_ + '/api/v1/player/screenshot-failure', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
      body: JSON.stringify({ id, reason: 'capture', detail: 'SDL_RenderReadPixels: not supported' }),
    });
    assert.equal(res.status, 200);
  });
  const silent = await handMadeScreen('booth', async () => {});
  try {
    const page = await newPage();
    await signIn(page, editor);
    await go(page, '#dashboard', '.page-dashboard tr[data-screen=kiosk]');
    await page.waitForSelector('.page-dashboard tr[data-screen=kiosk] .dot.on');

    // The failure, with the screen's reason in the user's language, at once.
    let asked = Date.now();
    await page.locator('.page-dashboard tr[data-screen=kiosk] button.take-shot').click();
    await page.waitForSelector('.page-dashboard tr[data-screen=kiosk] .shot-error:has-text("kiosk 截屏失败：屏幕读不出当前画面")', { timeout: limitS * 1000 });
    const failedMs = Date.now() - asked;
    assert.ok(failedMs < limitS * 1000, `the failure shows before the time limit (${failedMs} ms)`);
    await page.waitForSelector('#message.error:has-text("kiosk 截屏失败")');
    const cell = await page.textContent('.page-dashboard tr[data-screen=kiosk] .shot-cell');
    assert.doesNotMatch(cell.replaceAll('kiosk', ''), /[A-Za-z]{3,}/, 'no English in the Chinese console');
    await page.waitForSelector('.page-dashboard tr[data-screen=kiosk] button.take-shot:not([disabled])');

    // No answer: an error at the time limit, not before, and not much after.
    asked = Date.now();
    await page.locator('.page-dashboard tr[data-screen=booth] button.take-shot').click();
    await page.waitForSelector(`.page-dashboard tr[data-screen=booth] .shot-error:has-text("booth 在 ${limitS} 秒内未传回截屏")`, { timeout: (limitS + 10) * 1000 });
    const expiredMs = Date.now() - asked;
    assert.ok(expiredMs >= limitS * 1000, `no error before the time limit (${expiredMs} ms)`);
    assert.ok(expiredMs < (limitS + 2) * 1000, `the error shows at the time limit (${expiredMs} ms)`);
    await shot(page, 'dashboard-screenshot-errors');

    // A screen's sync error is said in the console's language; the screen's
    // own log line (English) is there on hover.
    const syncError = 'network: the server could not be reached';
    const beat = await fetch(URL_ + '/api/v1/player/heartbeat', {
      method: 'POST', headers: { Authorization: 'Bearer ' + failing.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ software_version: '0.1.0', manifest_version: 'v1', uptime_s: 60, rss_bytes: 50000000, cache_bytes: 0,
        free_disk_bytes: 9000000000, last_sync_error: syncError, clock_offset_ms: 0, interval_s: 60, sent_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }),
    });
    assert.ok(beat.ok, `heartbeat: HTTP ${beat.status}`);
    await go(page, '#dashboard', '.page-dashboard tr[data-screen=kiosk] td.hb-error:has-text("同步内容失败")');
    assert.equal(await page.getAttribute('.page-dashboard tr[data-screen=kiosk] td.hb-error', 'title'), syncError);

    // The same in English.
    await page.click('#lang');
    await go(page, '#dashboard', '.page-dashboard tr[data-screen=kiosk] td.hb-error:has-text("Could not sync content")');
    await page.locator('.page-dashboard tr[data-screen=kiosk] button.take-shot').click();
    await page.waitForSelector('.page-dashboard tr[data-screen=kiosk] .shot-error:has-text("Screenshot of kiosk failed: the screen could not read its picture")', { timeout: limitS * 1000 });
    assert.doesNotMatch(await page.textContent('.page-dashboard tr[data-screen=kiosk] .shot-cell'), /[\u4e00-\u9fff]/, 'no Chinese in the English console');
    await page.click('#lang');
    t.diagnostic(`failure shown ${failedMs} ms after the click; silence reported ${expiredMs} ms after it (limit ${limitS} s)`);
    await page.context().close();
  } finally {
    await failing.stop();
    await silent.stop();
  }
});

// The visible text of the alerts page without what staff typed or the
// server wrote (names, addresses, group names, messages): the console's own words.
async function alertsChrome(page, hookName, url) {
  const text = await page.evaluate(() => {
    const copy = document.querySelector('.page-alerts').cloneNode(true);
    copy.querySelectorAll('.message-text, .url-cell').forEach((n) => n.remove());
    copy.querySelectorAll('input[name=groups]').forEach((n) => n.closest('label').remove());
    return copy.innerText;
  });
  return text.replaceAll(hookName, '').replaceAll(url, '').replaceAll(admin.user, '');
}

test('an admin adds an alert webhook, sends a test and sees it delivered in the log, in Chinese and English', async () => {
  const http = await import('node:http');
  const received = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ url: req.url, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${receiver.address().port}/cgi-bin/webhook/send?key=k1`;
  try {
    const page = await newPage();
    await signIn(page, admin);
    await page.click('#nav a:has-text("告警通知")');
    await page.waitForSelector('.page-alerts form.hook-form');

    // A wrong address is refused in Chinese before anything is saved.
    await page.fill('.page-alerts input[name=name]', '街道值班群');
    await page.fill('.page-alerts input[name=url]', 'ftp://example.com/x');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForSelector('#message.error:has-text("推送地址不是完整的网址")');

    await page.fill('.page-alerts input[name=url]', hookUrl);
    await page.selectOption('.page-alerts select[name=format]', 'wecom');
    await page.uncheck('.page-alerts input[name=events][value=review_waiting]');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForSelector('#message:has-text("已添加告警推送「街道值班群」")');
    const row = page.locator('.page-alerts tr[data-hook="街道值班群"]');
    await row.waitFor();
    assert.match(await row.textContent(), /企业微信群机器人/);
    assert.match(await row.textContent(), /屏幕离线、同步错误、紧急通知已播发/);
    assert.match(await row.textContent(), /全部分组/);

    await row.getByRole('button', { name: '发送测试' }).click();
    await page.waitForSelector('#message:has-text("已向「街道值班群」发送测试消息")');
    const delivered = page.locator('.page-alerts .hook-log tr[data-status=delivered]');
    await delivered.waitFor({ timeout: 15000 });
    assert.match(await delivered.textContent(), /测试消息/);
    assert.match(await delivered.textContent(), /已送达/);
    assert.match(await delivered.textContent(), /对方已接收（状态码 200）/);
    assert.equal(received.length, 1, 'the receiver got one message');
    assert.equal(received[0].url, '/cgi-bin/webhook/send?key=k1');
    const body = JSON.parse(received[0].body);
    assert.deepEqual(Object.keys(body).sort(), ['msgtype', 'text']);
    assert.equal(body.msgtype, 'text');
    assert.match(body.text.content, /测试消息/);
    assert.equal(await delivered.locator('.message-text').textContent(), body.text.content);
    assert.doesNotMatch(await alertsChrome(page, '街道值班群', hookUrl), /[A-Za-z]{3,}/, 'no English in the Chinese console');
    await shot(page, 'alerts');

    // The same page in English.
    await page.click('#lang');
    await page.waitForSelector('#nav a:has-text("Alerts")');
    await page.click('#nav a:has-text("Alerts")');
    const enRow = page.locator('.page-alerts tr[data-hook="街道值班群"]');
    await enRow.waitFor();
    assert.match(await enRow.textContent(), /WeCom group robot/);
    await enRow.getByRole('button', { name: 'Delivery log' }).click();
    const enDelivered = page.locator('.page-alerts .hook-log tr[data-status=delivered]');
    await enDelivered.waitFor();
    assert.match(await enDelivered.textContent(), /Test message/);
    assert.match(await enDelivered.textContent(), /Accepted \(HTTP 200\)/);
    assert.doesNotMatch(await alertsChrome(page, '街道值班群', hookUrl), /[\u4e00-\u9fff]/, 'no Chinese in the English console');
    await page.click('#lang');
    await page.waitForSelector('#nav a:has-text("概览")');

    // Edited into a signed 钉钉 robot for one group, then deleted.
    await go(page, '#alerts', '.page-alerts tr[data-hook="街道值班群"]');
    await page.locator('.page-alerts tr[data-hook="街道值班群"]').getByRole('button', { name: '编辑' }).click();
    await page.waitForSelector('.page-alerts h2:has-text("修改告警推送：街道值班群")');
    assert.equal(await page.inputValue('.page-alerts input[name=url]'), hookUrl);
    await page.selectOption('.page-alerts select[name=format]', 'dingtalk');
    await page.fill('.page-alerts input[name=secret]', 'SEC-signing');
    await page.check('.page-alerts input[name=groups][value=lobby]');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForSelector('#message:has-text("已保存告警推送「街道值班群」")');
    // The list is drawn again after the save: wait for the new row, not the old one.
    const edited = page.locator('.page-alerts tr[data-hook="街道值班群"]:has-text("钉钉群机器人")');
    await edited.waitFor();
    assert.match(await edited.textContent(), /lobby/);
    page.once('dialog', (d) => d.accept());
    await edited.getByRole('button', { name: '删除' }).click();
    await page.waitForSelector('#message:has-text("已删除告警推送「街道值班群」")');
    await page.waitForSelector('.page-alerts td:has-text("还没有告警推送")');
    await page.context().close();
  } finally {
    receiver.close();
  }
});

// What a refused action says (the message line), after the action.
async function refusal(page, action, where = '#message.error') {
  await page.evaluate(() => { const m = document.querySelector('#message'); m.textContent = ''; m.className = ''; });
  await action();
  await page.waitForSelector(where, { timeout: 30000 });
  return (await page.textContent(where)).trim();
}

// No English in the Chinese console and no Chinese in the English one. The
// data people typed (names, words) and the names of file formats (pictures,
// films) are left out.
function assertLanguage(lang, text, data = []) {
  let rest = text;
  for (const d of data) rest = rest.split(d).join(' ');
  if (lang === 'zh') {
    // File formats, addresses and a sample prize code are not words.
    rest = rest.replace(/PNG|JPEG|MP4|WebM|MOV|CSV|UTF-8|MB|KB|GB|https?:\/\/|[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/g, ' ');
    assert.doesNotMatch(rest, /[A-Za-z]{2,}/, `English in the Chinese console: ${text}`);
    assert.match(text, /[\u4e00-\u9fff]/, `Chinese words: ${text}`);
  } else {
    assert.doesNotMatch(rest, /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/, `Chinese in the English console: ${text}`);
    assert.match(text, /[A-Za-z]{3,}/, `English words: ${text}`);
  }
}

test('every refused action is worded in the console\'s language, names the field by its label and marks it', async () => {
  // Setup over HTTP: a forbidden word.
  const login = async (who) => (await (await fetch(URL_ + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: who.user, password: who.password }),
  })).json()).token;
  const adminToken = await login(admin);
  const words = await (await fetch(URL_ + '/api/v1/settings/forbidden-words', { headers: { Authorization: 'Bearer ' + adminToken } })).json();
  const put = await fetch(URL_ + '/api/v1/settings/forbidden-words', {
    method: 'PUT', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + adminToken },
    body: JSON.stringify({ words: [...words.words, '违禁词样例'] }),
  });
  assert.equal(put.status, 200);

  const expect = {
    zh: { duration: '“播放时长（秒）”有误：应在 1–3600 秒之间', until: '应晚于“', word: '含有禁用词“违禁词样例”', image: '只能上传 PNG 或 JPEG 图片',
      group: '只能包含字母、数字', zone: '不是有效的时区', password: '至少需要 10 个字符', old: '有误：不正确', url: '开头的网址', network: '无法连接服务器' },
    en: { duration: 'must be between 1 and 3600 s', until: 'must be after "', word: 'contains the forbidden word', image: 'only PNG or JPEG pictures',
      group: 'may hold letters, digits', zone: 'is not a known time zone', password: 'needs at least 10 characters', old: 'is wrong', url: 'starting with http', network: 'Cannot reach the server' },
  };
  const typed = ['违禁词样例', 'bad name!', 'Mars/Olympus'];
  for (const lang of ['zh', 'en']) {
    const words_ = expect[lang];
    const page = await newPage();
    await page.evaluate((l) => localStorage.setItem('signage.lang', l), lang);
    await page.reload();
    await signIn(page, editor);
    const seen = [];
    const check = (text, fragment) => { seen.push(text); assert.ok(text.includes(fragment), `"${text}" says "${fragment}"`); assertLanguage(lang, text, typed); };
    const marked = async (selector) => assert.equal(await page.$eval(selector, (x) => x.classList.contains('invalid')), true, selector + ' is marked');
    const save = (page_) => page_.locator('#slide-form .bar button.primary').click();

    // The editor: a number out of range, an end before the start, a forbidden word, a file that is not a picture.
    await go(page, '#editor', '#slide-form');
    await page.fill('#slide-form input[name=title]', '错误示例');
    await page.check('#slide-form input[name=purpose][value=notice]');
    await page.fill('#slide-form textarea[name=body]', '正文');
    await page.fill('#slide-form input[name=duration_s]', '0');
    check(await refusal(page, () => save(page)), words_.duration);
    await marked('#slide-form input[name=duration_s]');
    await page.fill('#slide-form input[name=duration_s]', '10');
    await page.fill('#slide-form input[name=valid_from]', '2026-09-02');
    await page.fill('#slide-form input[name=valid_until]', '2026-09-01');
    check(await refusal(page, () => save(page)), words_.until);
    await marked('#slide-form input[name=valid_until]');
    await shot(page, 'errors-' + lang);
    await page.fill('#slide-form input[name=valid_from]', '');
    await page.fill('#slide-form input[name=valid_until]', '');
    await page.fill('#slide-form textarea[name=body]', '请勿发布违禁词样例。');
    check(await refusal(page, () => page.locator('#slide-form .bar button:not(.primary)').first().click()), words_.word);
    await go(page, '#editor', '#slide-form');
    await page.selectOption('#slide-form select[name=type]', 'image');
    check(await refusal(page, () => page.setInputFiles('#slide-form .media-picker input[type=file]',
      { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('这不是图片，只是文字。\n') })), words_.image);

    // The quiz import: each bad row says what is wrong with it.
    await go(page, '#quiz', '#csv-text');
    await page.fill('#csv-text', ['type,question,option_a,option_b,answer', 'single,过马路走哪里？,斑马线,护栏,Z', 'single,,对,错,A', 'maybe,题目,甲,乙,A'].join('\n'));
    await page.locator('.page-quiz .bar:has(a.btn) button.primary').click();
    await page.locator('#import-result tr.import-error').nth(2).waitFor();
    for (const row of await page.locator('#import-result tr.import-error td:nth-child(3)').allTextContents()) {
      seen.push(row);
      assertLanguage(lang, row, typed);
    }
    // A prize code that is not one.
    await go(page, '#prizes', '#prize-code');
    await page.fill('#prize-code', 'not-a-code');
    const prize = await refusal(page, () => page.locator('.page-prizes .bar button').first().click(), '#prize-result.bad');
    seen.push(prize);
    assertLanguage(lang, prize, typed);
    await signOut(page);

    // An admin: groups, accounts, alerts; and a server that cannot be reached.
    await signIn(page, admin);
    await go(page, '#groups', '.page-groups input[name=name]');
    await page.fill('.page-groups input[name=name]', 'bad name!');
    check(await refusal(page, () => page.locator('.page-groups section:has(input[name=name]) button.primary').last().click()), words_.group);
    await marked('.page-groups input[name=name]');
    const groupForm = page.locator('.page-groups form.group-form').first();
    await groupForm.locator('input[name=timezone]').fill('Mars/Olympus');
    check(await refusal(page, () => groupForm.locator('button.primary').click()), words_.zone);
    await marked('.page-groups form.group-form input[name=timezone]');
    await go(page, '#users', '.page-users input[name=username]');
    await page.fill('.page-users input[name=username]', 'newcomer');
    await page.fill('.page-users input[name=password]', 'short1');
    check(await refusal(page, () => page.locator('.page-users section:has(input[name=username]) button.primary').click()), words_.password);
    await marked('.page-users input[name=password]');
    await go(page, '#account', 'input[name=old_password]');
    await page.fill('input[name=old_password]', 'not-my-password');
    await page.fill('input[name=new_password]', 'a-long-new-password');
    await page.fill('input[name=new_password_again]', 'a-long-new-password');
    check(await refusal(page, () => page.locator('.page button.primary').click()), words_.old);
    await marked('input[name=old_password]');
    await go(page, '#alerts', '.hook-form input[name=url]');
    await page.fill('.hook-form input[name=name]', 'hook');
    await page.fill('.hook-form input[name=url]', 'http://exa mple.com/hook');
    check(await refusal(page, () => page.locator('.hook-form button.primary').click()), words_.url);
    await marked('.hook-form input[name=url]');
    await page.route('**/api/v1/users', (r) => r.abort());
    await go(page, '#users', '.page p.error');
    check((await page.textContent('.page p.error')).trim(), words_.network);
    await page.unroute('**/api/v1/users');
    assert.ok(seen.length >= 13, `${seen.length} refusals seen`);
    await page.context().close();
  }
  // Leave the forbidden words as they were.
  await fetch(URL_ + '/api/v1/settings/forbidden-words', {
    method: 'PUT', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + adminToken }, body: JSON.stringify({ words: words.words }),
  });
});

test('the week view shows a group\'s schedule, power-off windows and an emergency, week by week, in Chinese and English', async () => {
  // Content made through the API: a group with a power-off window, an item
  // for it on Tuesdays and Thursdays 07:00–09:00, and an emergency notice
  // next Wednesday 10:00–12:00 (the group's zone, Asia/Shanghai).
  const call = async (who, method, route, body) => {
    const res = await fetch(URL_ + '/api/v1' + route, {
      method, headers: { 'Content-Type': 'application/json', ...(who.token ? { Authorization: 'Bearer ' + who.token } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = res.status === 204 ? null : await res.json();
    assert.ok(res.ok, `${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const session = async (who) => ({ token: (await call({}, 'POST', '/auth/login', { username: who.user, password: who.password })).token });
  const [ed, rv, ad] = [await session(editor), await session(reviewer), await session(admin)];
  const group = '东门广场';
  await call(ad, 'POST', '/groups', { name: group });
  await call(ad, 'PUT', '/groups/' + encodeURIComponent(group), { settings: { power_off: [{ from: '22:00', to: '06:00' }] } });
  const approved = async (slide) => {
    const { id } = await call(ed, 'POST', '/slides', { ...slide, groups: [group] });
    const { revision } = await call(ed, 'POST', `/slides/${id}/submit`);
    await call(rv, 'POST', `/slides/${id}/approve`, { revision });
    return id;
  };
  const day = 86400000;
  const shanghai = new Date(Date.now() + 8 * 3600000);
  const monday = new Date(shanghai.getTime() - ((shanghai.getUTCDay() + 6) % 7) * day).toISOString().slice(0, 10);
  const plusDays = (date, n) => new Date(Date.parse(date + 'T00:00:00Z') + n * day).toISOString().slice(0, 10);
  const nextMonday = plusDays(monday, 7);
  const nextWednesday = plusDays(monday, 9);
  const scheduled = await approved({
    type: 'text', title: '早高峰 文明出行', body: '礼让行人，有序排队。', duration_s: 8, purpose: 'public_service', priority: 50,
    schedule: { weekdays: [2, 4], dayparts: [{ from: '07:00', to: '09:00' }] },
  });
  const emergency = await approved({
    type: 'emergency', title: '燃气抢修 暂停通行', body: '燃气管道抢修，请绕行。',
    valid_from: `${nextWednesday}T10:00:00+08:00`, valid_until: `${nextWednesday}T12:00:00+08:00`,
  });
  await call(rv, 'POST', '/publish');
  const live = await call(ed, 'GET', `/groups/${encodeURIComponent(group)}/manifest`);
  assert.deepEqual(live.items.filter((i) => [scheduled, emergency].includes(i.id)).length, 2);

  const page = await newPage();
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, editor);
  await go(page, '#week/' + encodeURIComponent(group), `.page-week[data-group="${group}"] .wk-grid`);
  assert.equal(await page.$eval('.page-week', (p) => p.dataset.week), monday);
  assert.equal(await page.$eval('.page-week select[name=group]', (s) => s.value), group);

  // Each cell as the page shows it: its day, time, state, items and words.
  const cells = () => page.$$eval('.page-week .wk-cell', (all) => all.map((c) => ({
    date: c.dataset.date, time: c.dataset.time, state: c.dataset.state, items: c.dataset.items.split(' '),
    text: c.innerText.trim(), tip: c.title,
  })));
  const weekday = (date) => (new Date(date + 'T00:00:00Z').getUTCDay() + 6) % 7 + 1;
  const isOff = (time) => time >= '22:00' || time < '06:00';
  const inMorning = (time) => time >= '07:00' && time < '09:00';
  const checkWeek = async (mondayDate, offWord, emergencyWord) => {
    const all = await cells();
    assert.equal(all.length, 7 * 48, 'seven days of half hours');
    assert.equal(all[0].date, mondayDate);
    for (const c of all) {
      const where = `${c.date} ${c.time}`;
      const urgent = c.date === nextWednesday && c.time >= '10:00' && c.time < '12:00';
      assert.equal(c.items.includes(emergency), urgent, `${where}: the emergency exactly in its span`);
      if (urgent) {
        assert.equal(c.state, 'emergency', where);
        assert.match(c.tip, new RegExp(emergencyWord));
        continue;
      }
      assert.equal(c.state === 'off', isOff(c.time), `${where}: dark exactly in the power-off window`);
      if (isOff(c.time)) assert.match(c.tip, new RegExp(offWord), `${where} says ${offWord}`);
      const expected = !isOff(c.time) && [2, 4].includes(weekday(c.date)) && inMorning(c.time);
      assert.equal(c.items.includes(scheduled), expected, `${where}: the scheduled item ${expected ? 'plays' : 'does not play'}`);
      // It has the top priority: alone while it plays.
      if (expected) assert.deepEqual(c.items, [scheduled], where);
    }
    // Runs are named where they start.
    const at = (date, time) => all.find((c) => c.date === date && c.time === time);
    assert.equal(at(plusDays(mondayDate, 1), '22:00').text, offWord);
    assert.equal(at(plusDays(mondayDate, 1), '00:00').text, offWord);
    assert.equal(at(plusDays(mondayDate, 1), '07:00').text, '早高峰 文明出行');
    assert.equal(at(plusDays(mondayDate, 1), '07:30').text, '');
    return at;
  };
  await checkWeek(monday, '关屏', '紧急通知');
  assert.equal(await page.locator('.page-week .wk-cell[data-state=emergency]').count(), 0, 'no emergency this week');
  const legend = page.locator(`.page-week tr[data-item="${scheduled}"]`);
  assert.match(await legend.textContent(), /早高峰 文明出行.*公益.*文字.*8 秒.*50.*周二、周四 07:00–09:00/);
  await page.waitForSelector('.page-week .wk-now');
  const content = [group, 'Asia/Shanghai', ...live.items.map((i) => i.title), ...(await call(ed, 'GET', '/groups')).groups.map((g) => g.name)];
  assert.doesNotMatch(await chromeText(page, '.page-week', content), NO_ENGLISH, 'no English in the Chinese week view');
  await shot(page, 'week-zh-1366');

  // The next week: the emergency's span in red, named, and in the changes.
  await page.getByRole('button', { name: '下一周 ›' }).click();
  await page.waitForSelector(`.page-week[data-week="${nextMonday}"] .wk-grid`);
  assert.equal(await page.evaluate(() => decodeURIComponent(location.hash)), `#week/${group}?week=${nextMonday}`);
  const at = await checkWeek(nextMonday, '关屏', '紧急通知');
  assert.equal(at(nextWednesday, '10:00').text, '紧急通知：燃气抢修 暂停通行');
  assert.equal(at(nextWednesday, '10:30').text, '');
  const changes = await page.$$eval('.page-week tr[data-edge]', (rows) => rows.map((r) => [r.dataset.edge, r.dataset.item, r.innerText]));
  assert.deepEqual(changes.filter(([, id]) => id === emergency).map(([edge, , text]) => [edge, text.replace(/\s+/g, ' ').trim()]), [
    ['start', `周三 ${Number(nextWednesday.slice(5, 7))}月${Number(nextWednesday.slice(8))}日 10:00 开始 燃气抢修 暂停通行 紧急通知`],
    ['end', `周三 ${Number(nextWednesday.slice(5, 7))}月${Number(nextWednesday.slice(8))}日 12:00 结束 燃气抢修 暂停通行 紧急通知`],
  ]);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await shot(page, 'week-zh-1920');
  // The grid fits both widths without scrolling sideways.
  for (const width of [1920, 1366]) {
    await page.setViewportSize({ width, height: 900 });
    assert.ok(await page.$eval('.page-week .wk-scroll', (s) => s.scrollWidth <= s.clientWidth + 1), `the grid fits ${width} px`);
  }

  // In English, the same week.
  await page.click('#lang');
  await page.waitForSelector(`.page-week[data-week="${nextMonday}"] .wk-head:has-text("Mon")`);
  await checkWeek(nextMonday, 'Screen off', 'Emergency');
  assert.equal(await page.locator(`.page-week .wk-cell[data-date="${nextWednesday}"][data-time="10:00"]`).innerText(), 'Emergency: 燃气抢修 暂停通行');
  assert.match(await page.locator(`.page-week tr[data-item="${scheduled}"]`).textContent(), /Public service.*Text.*8 s.*50.*Tue, Thu, 07:00–09:00/);
  assert.doesNotMatch(await chromeText(page, '.page-week', content), NO_CHINESE, 'no Chinese in the English week view');
  await shot(page, 'week-en-1366');
  await page.getByRole('button', { name: 'This week' }).click();
  await page.waitForSelector(`.page-week[data-week="${monday}"] .wk-grid`);
  await checkWeek(monday, 'Screen off', 'Emergency');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await shot(page, 'week-en-1920');
  await page.click('#lang');
  await page.waitForSelector('#nav a:has-text("概览")');
});

test('an editor orders a group\'s rotation by dragging and by keyboard, a reviewer approves it, and the publish puts it on screens', async () => {
  const group = 'order-hall';
  const adminToken = await tokenOf(admin);
  assert.equal((await apiAs(adminToken, 'POST', '/groups', { name: group })).status, 201);
  const screen = await pairScreen('order-screen', group);
  const editorToken = await tokenOf(editor);
  const reviewerToken = await tokenOf(reviewer);
  const titles = ['顺序一 垃圾分类', '顺序二 文明出行', '顺序三 爱护公物'];
  const ids = [];
  for (const title of titles) {
    const made = await apiAs(editorToken, 'POST', '/slides', { type: 'text', title, body: '共建文明城市。', duration_s: 8, groups: [group] });
    assert.equal(made.status, 201);
    const submitted = await apiAs(editorToken, 'POST', `/slides/${made.json.id}/submit`);
    assert.equal(submitted.status, 200);
    assert.equal((await apiAs(reviewerToken, 'POST', `/slides/${made.json.id}/approve`, { revision: submitted.json.revision })).status, 200);
    ids.push(made.json.id);
  }
  // The titles of the group's manifest, as its screen gets it.
  const manifestTitles = async () => {
    const res = await fetch(URL_ + '/api/v1/player/manifest', { headers: { Authorization: 'Bearer ' + screen } });
    assert.equal(res.status, 200);
    return (await res.json()).items.map((i) => i.title).filter((x) => titles.includes(x));
  };
  assert.equal((await apiAs(reviewerToken, 'POST', '/publish')).status, 200);
  assert.deepEqual(await manifestTitles(), titles, 'published in the default order');

  const page = await newPage();
  await signIn(page, editor);
  await go(page, '#groups', '.page-groups');
  await page.click(`.page-groups a.order-link[href="#order/${group}"]`);
  await page.waitForSelector('.page-order .order-row');
  // The order of this test's slides (slides of earlier tests may rotate in every group).
  const order = async () => (await page.$$eval('.page-order .order-row', (rows) => rows.map((r) => r.dataset.id))).filter((id) => ids.includes(id));
  assert.deepEqual(await order(), ids, 'the default order: by number');
  await page.waitForSelector('.page-order .order-state:has-text("尚无已通过的顺序")');

  // Drag and drop: the third onto the first puts it first.
  await page.dragAndDrop(`.order-row[data-id="${ids[2]}"]`, `.order-row[data-id="${ids[0]}"]`);
  assert.deepEqual(await order(), [ids[2], ids[0], ids[1]]);
  // The keyboard: Alt+ArrowUp moves the focused row, focus follows it, and the move is announced.
  await page.focus(`.order-row[data-id="${ids[1]}"]`);
  await page.keyboard.press('Alt+ArrowUp');
  assert.deepEqual(await order(), [ids[2], ids[1], ids[0]]);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), ids[1]);
  assert.match(await page.textContent('.page-order [aria-live]'), /^「顺序二 文明出行」移到第 \d+ 位，共 \d+ 项$/);
  // Alt+ArrowDown and the 上移 button undo and redo a move.
  await page.keyboard.press('Alt+ArrowDown');
  assert.deepEqual(await order(), [ids[2], ids[0], ids[1]]);
  await page.locator(`.order-row[data-id="${ids[1]}"]`).getByRole('button', { name: '上移「顺序二 文明出行」' }).click();
  assert.deepEqual(await order(), [ids[2], ids[1], ids[0]]);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), ids[1]);

  await page.getByRole('button', { name: '保存并提交审核' }).click();
  await page.waitForSelector(`#message:has-text("分组「${group}」的轮播顺序已提交审核")`);
  await page.waitForSelector('.page-order .order-state .status-pending:has-text("待审核")');
  assert.deepEqual(await order(), [ids[2], ids[1], ids[0]], 'the page shows the order as proposed');
  await shot(page, 'order');
  await signOut(page);

  await signIn(page, reviewer);
  await go(page, '#review', '.page-review');
  const card = page.locator(`.page-review .order-card[data-group="${group}"]`);
  await card.waitFor();
  assert.deepEqual((await card.locator('ol li').allTextContents()).filter((x) => titles.includes(x)), [titles[2], titles[1], titles[0]]);
  await shot(page, 'review-order');
  await card.getByRole('button', { name: '通过' }).click();
  await page.waitForSelector(`#message:has-text("分组「${group}」的轮播顺序已通过")`);
  // Approved, not published: the screens keep the order they have.
  assert.deepEqual(await manifestTitles(), titles);

  await go(page, '#publish', '.page-publish');
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await page.waitForSelector('#message:has-text("已发布")');
  assert.deepEqual(await manifestTitles(), [titles[2], titles[1], titles[0]]);
  const after = await apiGet(page, `/api/v1/groups/${group}/order`);
  assert.equal(after.proposed, null);
  assert.deepEqual(after.approved.slides.filter((id) => ids.includes(id)), [ids[2], ids[1], ids[0]]);
  await page.context().close();
});

test('a film being converted for the screens shows its progress until it is done, and a failed conversion says why', async () => {
  const page = await newPage();
  await signIn(page, editor);
  // H.265: the default screen profile takes H.264 only, so the server converts it.
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'signage-film-'));
  const film = path.join(dir, '转换短片.mp4');
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-t', '1',
    '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p', film]);
  // The library's answers are held at 45% (what the server says while ffmpeg
  // runs, which a small film does too fast to catch); the row then follows
  // the film by the server's own answers until the conversion is over.
  await page.route(/\/api\/v1\/media\?/, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    for (const m of body.media) {
      if (m.renditions) m.renditions = m.renditions.map(({ sha256, ...r }) => ({ ...r, status: 'converting', progress: 45 }));
    }
    await route.fulfill({ response: res, json: body });
  });
  await go(page, '#media', '.page-media');
  await page.setInputFiles('#media-upload', film);
  await page.waitForSelector('#message:has-text("已上传 1 个文件")');
  const sha = createHash('sha256').update(fs.readFileSync(film)).digest('hex');
  const row = `.page-media tr[data-sha="${sha}"]`;
  await page.waitForSelector(`${row} [data-conversion=converting]:has-text("转换中 45%")`);
  assert.equal(await page.$eval(`${row} [data-conversion=converting] progress`, (p) => p.value), 45);
  await page.waitForSelector(`${row} [data-conversion]`, { state: 'detached', timeout: 60000 });
  const { media } = await apiGet(page, '/api/v1/media');
  const stored = media.find((m) => m.sha256 === sha);
  assert.equal(stored.name, '转换短片.mp4');
  assert.equal(stored.renditions[0].status, 'done');
  assert.equal(stored.playable, true);

  // The editor's picker says why a conversion failed (the server's answer
  // made a failed one here: a real failure needs a broken ffmpeg).
  await page.route(/\/api\/v1\/media\/[0-9a-f]{64}$/, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.renditions = body.renditions.map(({ sha256, ...r }) => ({ ...r, status: 'failed', progress: 0, error: 'ffmpeg exited with status 1: Conversion failed!', retry_at: '2026-11-22T08:31:00Z' }));
    body.playable = false;
    await route.fulfill({ response: res, json: body });
  });
  await newSlide(page, 'video', '转换失败的影片');
  await page.setInputFiles('#slide-form .media-picker input[type=file]', film);
  const failed = '#slide-form .media-picker [data-conversion=failed]';
  await page.waitForSelector(`${failed}:has-text("转换失败：ffmpeg exited with status 1: Conversion failed!")`);
  // When the server tries again by itself, and a button to ask now: it
  // reaches the real route, whose answer says here nothing failed.
  await page.waitForSelector(`${failed}:has-text("自动重试")`);
  await page.click(`${failed} button:has-text("重新转换")`);
  await page.waitForSelector('#message:has-text("没有转换失败，无需重新转换")');
  fs.rmSync(dir, { recursive: true, force: true });
  await page.context().close();
});

test('the dashboard and the screens page page, search and filter a city of screens on the server', async () => {
  // 120 more screens (after every other test's, by name), registered as an
  // operator does, into the running server's data directory.
  const data = path.join(WORK, 'data');
  for (let i = 1; i <= 120; i++) {
    await promisify(execFile)(path.join(env('SIGNAGE_BIN'), 'signage-server'),
      ['screen', 'add', `zz-street-${String(i).padStart(3, '0')}`, '--group', i % 2 ? 'east' : 'west', '--data', data]);
  }
  const { screens, total } = JSON.parse(await (await fetch(URL_ + '/api/v1/screens?limit=50', {
    headers: { Authorization: 'Bearer ' + (await (await fetch(URL_ + '/api/v1/auth/login', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: admin.user, password: admin.password }),
    })).json()).token },
  })).text());
  assert.equal(screens.length, 50);
  assert.ok(total >= 122, `every screen counted (${total})`);

  const page = await newPage();
  await signIn(page, admin);
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/screens?')) asked.push(new URL(r.url()).searchParams); });
  await go(page, '#dashboard', '.page-dashboard .screens-range:has-text("第 1–50 台，共")');
  assert.equal(await page.$$eval('.page-dashboard .screens-table tbody tr', (r) => r.length), 50);
  assert.equal(asked.at(-1).get('limit'), '50');
  // The next page, then a search the server answers (any case).
  await page.click('.page-dashboard .screens-next');
  await page.waitForSelector('.page-dashboard .screens-range:has-text("第 51–100 台")');
  assert.equal(asked.at(-1).get('offset'), '50');
  await page.fill('#dash-search', 'ZZ-STREET-11');
  await page.waitForSelector('.page-dashboard .screens-range:has-text("第 1–10 台，共 10 台")');
  const names = await page.$$eval('.page-dashboard .screens-table tbody tr', (r) => r.map((x) => x.dataset.screen));
  assert.deepEqual(names, Array.from({ length: 10 }, (_, k) => `zz-street-11${k}`));
  assert.equal(await page.isDisabled('.page-dashboard .screens-next'), true);
  // A group and a state: the never-connected screens of "west".
  await page.fill('#dash-search', '');
  await page.selectOption('#dash-group', 'west');
  await page.selectOption('#dash-state', 'never');
  await page.waitForSelector('.page-dashboard .screens-range:has-text("第 1–50 台，共 60 台")');
  assert.equal(asked.at(-1).get('group'), 'west');
  assert.equal(asked.at(-1).get('state'), 'never');
  await page.selectOption('#dash-state', 'online');
  await page.waitForSelector('.page-dashboard .screens-table:has-text("没有符合条件的屏幕")');
  await shot(page, 'dashboard-paged');

  // The screens page pages the same way; moving a screen there still works.
  await go(page, '#pair', '.page-pair .screens-range:has-text("共")');
  await page.fill('#screens-search', 'zz-street-120');
  await page.waitForSelector('.page-pair .screens-range:has-text("第 1–1 台，共 1 台")');
  await page.selectOption('.page-pair tr[data-screen="zz-street-120"] select[name=screen-group]', 'east');
  await page.waitForSelector('#message:has-text("zz-street-120")');
  await page.selectOption('#screens-group', 'east');
  await page.waitForSelector('.page-pair tr[data-screen="zz-street-120"]');
  await page.context().close();
});

// Last in the file: it adds units to the shared server, and with more than
// one unit the console shows the unit switcher.
test('a district inspector reads each unit below in the roll-up, in the console and as CSV; a community editor sees only their own', async () => {
  const adminToken = await tokenOf(admin);
  const made = async (name, parent) => {
    const res = await apiAs(adminToken, 'POST', '/units', { name, parent });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    return res.json.id;
  };
  const district = await made('测试区', 1);
  const community = await made('测试社区', district);
  assert.equal((await apiAs(adminToken, 'POST', '/groups', { name: 'g-community', unit: community })).status, 201);
  const screen = await pairScreen('community-gate', 'g-community');
  const helper = { user: 'community-editor', password: 'community-pass-1' };
  assert.equal((await apiAs(adminToken, 'POST', '/users', { username: helper.user, role: 'editor', password: helper.password, unit: community })).status, 201);
  // The community's screen, on a past day: one closed loop of 10 s public
  // service and 30 s other (25 % < 30 %, short), 09:00 Beijing time.
  const play = (id, ps, start, ms, end) => ({
    id, kind: 'item', loop_id: 'unit-loop-1', loop_end: end, slide_id: ps ? '1' : '2',
    title: ps ? '文明出行' : '社区通知', start, duration_ms: ms, public_service: ps, manifest_version: 'v',
  });
  const posted = await apiAs(screen, 'POST', '/player/plays', { plays: [
    play('unit-play-1', true, '2026-01-20T01:00:00.000Z', 10000, false),
    play('unit-play-2', false, '2026-01-20T01:00:10.000Z', 30000, true)] });
  assert.equal(posted.status, 200);
  // It asks for its manifest: online now.
  assert.equal((await fetch(URL_ + '/api/v1/player/manifest', { headers: { Authorization: 'Bearer ' + screen } })).status, 200);

  // The top unit's admin, working in the district, sees the district and
  // the community below it, the short loop marked.
  const page = await newPage();
  await signIn(page, admin);
  const option = await page.evaluate(() => [...document.querySelectorAll('#unit-switch option')].map((o) => o.textContent.trim()));
  assert.ok(option.some((o) => o.endsWith('测试社区')), option.join('|'));
  await page.selectOption('#unit-switch', String(district));
  await go(page, '#reports?day=2026-01-20', '.page-reports .unit-cell');
  const rows = await page.$$eval('.page-reports tr:has(.unit-cell)', (r) => r.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), ['测试区', '测试社区']);
  assert.deepEqual(rows[1].slice(1, 7), ['1 / 1', '25.0%', '—', '1 / 1', '1 / 1', '—']);
  assert.deepEqual(rows[0].slice(1, 7), rows[1].slice(1, 7), 'the district is the sum of its one community');
  const shortCell = page.locator('.page-reports tr:has(.unit-cell) td.short-cell').first();
  assert.equal(await shortCell.evaluate((td) => getComputedStyle(td).backgroundColor), 'rgb(248, 215, 218)');
  await shot(page, 'reports-units');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: '下载 CSV：单位汇总' }).click(),
  ]);
  const lines = fs.readFileSync(await download.path()).subarray(3).toString('utf8').split('\r\n');
  assert.equal(lines[0].split(',').slice(0, 2).join(','), '单位编号 unit,单位 name');
  assert.ok(lines[2].startsWith(`${community},测试社区,${district},1,1,1,2,40000,10000,0.2500,`), lines.join('\n'));
  // In English at 1920 px.
  await page.click('#lang');
  await page.setViewportSize({ width: 1920, height: 1000 });
  await page.waitForSelector('.page-reports h2:has-text("and the units below it")');
  await shot(page, 'reports-units-en');
  await page.context().close();

  // The community's editor sees their unit alone: no other unit's row.
  const own = await newPage();
  await signIn(own, helper);
  await go(own, '#reports?day=2026-01-20', '.page-reports .unit-cell');
  assert.deepEqual(await own.$$eval('.page-reports .unit-cell', (c) => c.map((x) => x.textContent)), ['测试社区']);
  const refused = await own.evaluate(async (d) => {
    const token = JSON.parse(sessionStorage.getItem('signage.session')).token;
    return (await fetch('/api/v1/reports/units?from=2026-01-20&unit=' + d, { headers: { Authorization: 'Bearer ' + token } })).status;
  }, district);
  assert.equal(refused, 404);
  await shot(own, 'reports-community');
  await own.context().close();
});

test('an admin adds units and sets a floor on the units page; a community hides an optional item from above in its order, never a required one', async () => {
  const page = await newPage();
  page.on('dialog', (d) => d.accept());
  await signIn(page, admin);
  await go(page, '#units', '.page-units tr[data-unit="1"]');
  // A district with a floor of 40 %, then a community below it.
  await page.fill('input[name=new-unit-name]', '新区');
  await page.fill('input[name=new-unit-floor]', '40');
  await page.click('.page-units button:has-text("新建单位")');
  await page.waitForSelector('#message:has-text("已新建单位「新区」")');
  const district = await page.$eval('.page-units tr[data-name="新区"]', (tr) => tr.dataset.unit);
  await page.selectOption('select[name=unit-parent]', district);
  await page.fill('input[name=new-unit-name]', '新区一社区');
  await page.click('.page-units button:has-text("新建单位")');
  await page.waitForSelector('#message:has-text("已新建单位「新区一社区」")');
  const community = await page.$eval('.page-units tr[data-name="新区一社区"]', (tr) => tr.dataset.unit);
  // The community's floor in force is its district's; the district's is lowered to 35 %.
  const inForce = (id) => page.$eval(`.page-units tr[data-unit="${id}"] td:nth-child(3)`, (td) => td.textContent);
  assert.equal(await inForce(community), '40.0%');
  await page.fill(`.page-units tr[data-unit="${district}"] input[name=unit-floor]`, '35');
  await page.click(`.page-units tr[data-unit="${district}"] button:has-text("保存")`);
  await page.waitForSelector('#message:has-text("已保存单位「新区」")');
  assert.equal(await inForce(community), '35.0%');
  // The switcher knows the new units at once.
  assert.ok((await page.$$eval('#unit-switch option', (o) => o.map((x) => x.textContent.trim()))).includes('新区一社区'));
  // A unit that holds another is not deleted, and the page says why.
  await page.click(`.page-units tr[data-unit="${district}"] button:has-text("删除")`);
  await page.waitForSelector('#message.error:has-text("单位“新区”里还有下级单位 1 个，请先移走或删除")');
  assert.ok(await page.$(`.page-units tr[data-unit="${district}"]`));
  await shot(page, 'units');
  await page.context().close();

  // The city requires one item everywhere and sends an optional one.
  const adminToken = await tokenOf(admin);
  assert.equal((await apiAs(adminToken, 'POST', '/groups', { name: 'g-new', unit: Number(community) })).status, 201);
  const helper = { user: 'new-community-editor', password: 'new-community-pass' };
  assert.equal((await apiAs(adminToken, 'POST', '/users', { username: helper.user, role: 'editor', password: helper.password, unit: Number(community) })).status, 201);
  const ed = await tokenOf(editor);
  const rv = await tokenOf(reviewer);
  const publishedItem = async (title, required) => {
    const made = await apiAs(ed, 'POST', '/slides', { type: 'text', title, body: '文明城市，人人参与。', duration_s: 10, public_service: true, required });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    const { revision } = (await apiAs(ed, 'POST', `/slides/${made.json.id}/submit`)).json;
    assert.equal((await apiAs(rv, 'POST', `/slides/${made.json.id}/approve`, { revision })).status, 200);
    return made.json.id;
  };
  const required = await publishedItem('市：必播的核心价值观', true);
  const optional = await publishedItem('市：可选的文明交通', false);
  assert.equal((await apiAs(rv, 'POST', '/publish')).status, 200);

  const own = await newPage();
  await signIn(own, helper);
  await go(own, '#order/g-new', `.order-row[data-id="${optional}"]`);
  const requiredRow = own.locator(`.order-row[data-id="${required}"]`);
  assert.match(await requiredRow.textContent(), /上级必播/);
  assert.equal(await requiredRow.locator('input[name=hide]').count(), 0, 'a required item cannot be hidden');
  assert.match(await own.locator(`.order-row[data-id="${optional}"]`).textContent(), /上级下发：文明市|上级下发/);
  await own.check(`.order-row[data-id="${optional}"] input[name=hide]`);
  await own.click('.page-order button.primary');
  await own.waitForSelector('#message:has-text("g-new")');
  const order = await apiCall(own, 'GET', '/api/v1/groups/g-new/order');
  assert.deepEqual(order.json.proposed.hidden, [optional]);
  // Drawn again, the choice waiting for review is kept.
  await go(own, '#order/g-new', `.order-row[data-id="${optional}"]`);
  assert.equal(await own.isChecked(`.order-row[data-id="${optional}"] input[name=hide]`), true);
  await shot(own, 'order-units');
  await own.context().close();
});
