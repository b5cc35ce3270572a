// Publish: what the screens will play, and the button that publishes it.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, say, section, table, td } from '../lib/dom.js';
import { typeLabel } from '../lib/slide_types.js';
import { ended } from '../lib/workflow.js';

export async function publishPage(page) {
  const { slides } = await api('GET', '/slides');
  const live = slides.filter((s) => s.status === 'approved' || s.status === 'published' || s.has_approved_version);
  const rows = live.map((s) => el('tr', {}, td(s.id), td(typeLabel(s.type)), td(s.title || t('untitled')),
    td((s.groups || []).join('、') || t('all')),
    td(ended(s) ? t('pub.ended') : s.status === 'approved' ? t('pub.new') : t('pub.live'), ended(s) ? 'muted' : s.status === 'approved' ? 'new' : '')));
  const pending = slides.filter((s) => s.status === 'pending').length;
  const result = el('div', { id: 'publish-result' });
  page.append(section('pub.title',
    el('h3', { textContent: t('pub.summary') }),
    table(['content.id', 'content.type', 'content.ttl', 'ed.groups', 'content.status'], rows, 'pub.none'),
    pending ? el('p', { className: 'muted', textContent: t('pub.pending_note', pending) }) : null,
    el('div', { className: 'bar' }, button(t('pub.button'), async () => {
      const r = await api('POST', '/publish');
      const changed = r.groups.filter((g) => g.changed);
      say(changed.length ? t('pub.done', changed.map((g) => g.group).join('、')) : t('pub.unchanged'));
      const lines = new Map(r.groups.map((g) => [g.group, el('li', { dataset: { group: g.group } })]));
      for (const g of r.groups) if (!g.changed) lines.get(g.group).textContent = t('pub.group_same', g.group);
      result.replaceChildren(el('ul', { className: 'publish-groups' }, ...lines.values()));
      followScreens(changed, lines, result).catch((e) => say(e.message, true));
    }, 'primary big')), result));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const kAnswerMs = 8000;   // a screen online answers a publish within this
const kFollowMs = 180000; // the countdown runs at most this long

// After a publish: when each changed group's screens will show it. A screen
// that took the new manifest says (by a heartbeat) when its item on screen
// ends (shows_in_s); a publish never cuts it. The line counts down to 已上屏.
async function followScreens(changed, lines, result) {
  if (!changed.length) return;
  const started = Date.now();
  const showAt = new Map();     // screen id -> ms when it shows the publish (null: after a quiz round)
  let screens = [];
  for (;;) {
    const polling = Date.now() - started < kAnswerMs;
    if (polling) {
      ({ screens } = await api('GET', '/screens'));
      for (const s of screens) {
        const g = changed.find((c) => c.group === s.group);
        if (!g || showAt.has(s.id) || !s.heartbeat || s.heartbeat.manifest_version !== g.version) continue;
        showAt.set(s.id, typeof s.shows_in_s === 'number' ? Date.now() + s.shows_in_s * 1000 : null);
      }
    }
    if (!result.isConnected) return;
    let open = false;
    for (const g of changed) {
      const mine = screens.filter((s) => s.group === g.group && !s.revoked);
      const got = mine.filter((s) => showAt.has(s.id));
      const rest = mine.filter((s) => !showAt.has(s.id));
      const offline = rest.filter((s) => s.state !== 'online');
      const silent = rest.length - offline.length;
      const parts = [];
      if (!mine.length) parts.push(t('pub.no_screens'));
      if (got.length) {
        const times = got.map((s) => showAt.get(s.id));
        if (times.includes(null)) parts.push(t('pub.after_quiz'));
        const last = Math.max(...times.filter((x) => x !== null), 0);
        const left = Math.ceil((last - Date.now()) / 1000);
        parts.push(left > 0 ? t('pub.shows_in', left) : t('pub.shown'));
        if (left > 0) open = true;
        parts.push(t('pub.received', got.length, mine.length));
      }
      if (silent) {
        parts.push(polling ? t('pub.waiting', silent) : t('pub.no_answer', silent));
        if (polling) open = true;
      }
      if (offline.length) parts.push(t('pub.offline_later', offline.length));
      const line = lines.get(g.group);
      line.textContent = t('pub.group_line', g.group, parts.join(t('pub.sep')));
      line.className = got.length === mine.length && mine.length ? 'ok' : silent && !polling ? 'warn' : '';
    }
    if (!open || Date.now() - started > kFollowMs) return;
    await sleep(polling ? 500 : 1000);
  }
}
