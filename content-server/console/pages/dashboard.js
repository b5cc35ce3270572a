// Dashboard: the screens with their state, heartbeat and latest screenshot
// (searched, filtered and paged by the server), and how many slides are in
// each status.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, say, section, statusBadge, td } from '../lib/dom.js';
import { fmtBytes, fmtTime } from '../lib/format.js';
import { screenList } from '../lib/screen_list.js';
import { authHeaders } from '../lib/session.js';
import { STATUSES } from '../lib/workflow.js';

// A screen's latest screenshot as an object URL (the request needs the token,
// so an <img src> cannot fetch it itself).
async function screenshotUrl(id) {
  const res = await fetch(`/api/v1/screens/${id}/screenshot`, { headers: authHeaders() });
  if (!res.ok) return null;
  return URL.createObjectURL(await res.blob());
}

// The screenshot cell: the latest picture and a button that asks for a new
// one. The server follows the request (pending, arrived, failed with the
// screen's reason, expired at its time limit); when the picture arrives the
// whole row is drawn again, since the screen sends a heartbeat with it (the
// item on screen, memory and so on are current). A failure or no answer is
// an error in the cell and the message bar, never an endless wait.
function screenshotCell(s, replaceRow) {
  const img = el('img', { className: 'shot', alt: t('dash.screenshot_of', s.name), hidden: true });
  const when = el('small', { className: 'muted shot-time' });
  const problem = el('small', { className: 'error shot-error', hidden: true });
  if (s.screenshot_at) {
    screenshotUrl(s.id).then((url) => {
      if (!url) return;
      img.src = url;
      img.hidden = false;
      when.textContent = t('dash.taken_at', fmtTime(s.screenshot_at));
    });
  }
  const fail = (text) => {
    problem.textContent = text;
    problem.hidden = false;
    say(text, true);
  };
  const take = button(t('dash.take_screenshot'), async () => {
    problem.hidden = true;
    const asked = await api('POST', `/screens/${s.id}/screenshot`);
    say(t('dash.screenshot_asked', s.name));
    const expired = () => fail(t('dash.screenshot_expired', s.name, asked.timeout_s));
    // The server says "expired" at the time limit; should its answers stop
    // coming, the console gives up a little later on its own.
    const giveUp = Date.now() + (asked.timeout_s + 5) * 1000;
    while (Date.now() < giveUp) {
      await new Promise((r) => setTimeout(r, 300));
      if (!img.isConnected) return; // the user went to another page
      let req;
      try {
        req = await api('GET', `/screens/${s.id}/screenshot-requests/${asked.id}`);
      } catch (e) {
        if (e.status === 404) { fail(t('dash.screenshot_unknown')); return; }
        continue; // the network: ask again until the time is up
      }
      if (req.state === 'arrived') {
        replaceRow(await api('GET', '/screens/' + s.id));
        say(t('dash.screenshot_arrived', s.name));
        return;
      }
      if (req.state === 'failed') {
        fail(t('dash.screenshot_failed', s.name, t('dash.shot_reason.' + req.reason)));
        return;
      }
      if (req.state === 'expired') { expired(); return; }
    }
    expired();
  }, 'take-shot');
  return el('td', { className: 'shot-cell' }, img, el('div', {}, when), take, el('div', {}, problem));
}

function screenRow(s) {
  const hb = s.heartbeat || {};
  const state = s.state || 'never';
  const version = [hb.software_version, hb.manifest_version ? hb.manifest_version.slice(0, 8) : null].filter(Boolean).join(' · ');
  const row = el('tr', { dataset: { screen: s.name } });
  row.append(td(s.name), td(s.group),
    el('td', {}, el('span', { className: 'dot state-' + state + (state === 'online' ? ' on' : ' off'), textContent: t('dash.' + state) })),
    td(s.last_seen ? fmtTime(s.last_seen) : t('dash.never'), 'muted'),
    td(version, 'muted hb-version'),
    td(hb.item_title || hb.item_id || '', 'hb-item'),
    td(fmtBytes(hb.rss_bytes), 'hb-memory'),
    td(fmtBytes(hb.free_disk_bytes), 'hb-disk'),
    // The screen's own error text is its log line, in English: the console
    // says that syncing failed, the line is there on hover for the technician.
    hb.last_sync_error ? el('td', { className: 'hb-error', title: hb.last_sync_error, textContent: t('dash.sync_failed') }) : td('', 'hb-error'),
    screenshotCell(s, (fresh) => row.replaceWith(screenRow(fresh))));
  return row;
}

export async function dashboardPage(page) {
  const [{ groups }, { slides }] = await Promise.all([api('GET', '/groups'), api('GET', '/slides')]);
  const list = await screenList({
    groups, id: 'dash', row: screenRow,
    headKeys: ['dash.name', 'dash.group', 'dash.state', 'dash.last_seen', 'dash.version',
      'dash.item', 'dash.memory', 'dash.disk', 'dash.last_error', 'dash.screenshot'],
  });
  const counts = el('ul', { className: 'counts' }, ...STATUSES.map((st) => el('li', {},
    el('a', { href: '#content?status=' + st }, statusBadge(st), ' ', String(slides.filter((s) => s.status === st).length)))));
  page.append(section('dash.title', list.element), section('dash.content', counts));
}
