// The week view (#week/GROUP?week=YYYY-MM-DD): what a group's screens play
// when, from its live manifest (GET /api/v1/groups/{name}/manifest), worked
// out by lib/week_plan.js: a grid of the seven days by half hours with the
// items that rotate, power-off windows and emergency notices; what plays that
// week; and what starts or ends in it.
import { currentLang, t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, say, section, select, table, td } from '../lib/dom.js';
import { typeLabel } from '../lib/slide_types.js';
import { DAY_MIN, addDays, isoDate, localNow, mondayOf, parseTime, planWeek, wallMs } from '../lib/week_plan.js';

const SLOT_MIN = 30;
const MAX_CHIPS = 8;
// Colours for the rotation items, in manifest order (red is the emergency's,
// near-black the power-off's).
const COLOURS = ['#2f6fb0', '#2e8b57', '#d98a1f', '#7b4fa8', '#1f9aa3', '#b5527a', '#6d8b1f', '#8a6a3c',
  '#4a5fd1', '#c2641b', '#3d7f7a', '#9c4fbf'];
const BUILTIN_COLOUR = '#b9a06b';

const pad = (n) => String(n).padStart(2, '0');
const hhmm = (minute) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
const locale = () => (currentLang() === 'en' ? 'en-GB' : 'zh-CN');
// A date (YYYY-MM-DD) as "12月7日" / "7 Dec".
const dayMonth = (date) => new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', month: 'short', day: 'numeric' })
  .format(new Date(date + 'T00:00:00Z'));

function weekHash(group, monday) {
  return '#week/' + encodeURIComponent(group) + (monday ? '?week=' + monday : '');
}

const titleOf = (item) => (item.builtin ? t('week.builtin') : item.title || t('untitled'));
// In a cell, where room is short.
const shortTitle = (item) => (item.builtin ? t('week.builtin_short') : titleOf(item));

// A wall time (ms of a UTC clock) as YYYY-MM-DD HH:MM, or the date alone at midnight.
function wallText(wall) {
  const iso = new Date(wall).toISOString();
  return iso.slice(11, 16) === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function validText(item, timeZone) {
  // A date alone stays as written (valid_until: to the end of that day).
  const show = (text, end) => {
    const p = parseTime(text, end);
    if (!p || text.length === 10) return text;
    return wallText(p.wall ?? wallMs(p.abs, timeZone));
  };
  const from = item.valid_from && show(item.valid_from, false);
  const until = item.valid_until && show(item.valid_until, true);
  if (from && until) return t('week.range', from, until);
  if (from) return t('week.valid_from', from);
  return until ? t('week.valid_until', until) : t('week.always');
}

function scheduleText(schedule) {
  const days = (schedule && schedule.weekdays) || [];
  const parts = (schedule && schedule.dayparts) || [];
  const dayText = days.length ? days.map((d) => t('when.day' + d)).join(t('week.sep')) : t('week.every_day');
  const partText = parts.length ? parts.map((p) => `${p.from}–${p.to}`).join(t('week.sep')) : t('week.all_day');
  return t('week.days_times', dayText, partText);
}

function chip(colour) {
  return el('span', { className: 'wk-chip', style: `background:${colour}` });
}

// What one segment of a cell says, for its tooltip.
function segmentText(seg, byId) {
  if (seg.kind === 'off') return t('week.off');
  if (seg.kind === 'emergency') return t('week.emergency_title', titleOf(byId.get(seg.id)));
  return seg.ids.map((id) => titleOf(byId.get(id))).join(t('week.sep'));
}

const sameState = (a, b) => !!a && !!b && a.kind === b.kind && a.id === b.id && String(a.ids) === String(b.ids);

function drawSegment(seg, prev, byId, colourOf) {
  const start = !sameState(seg, prev); // the first minute of a run: it is named
  const node = el('div', { className: 'wk-seg wk-' + seg.kind + (start ? ' wk-start' : '') });
  node.style.flexGrow = String(seg.minutes);
  if (seg.kind === 'off') {
    if (start) node.append(el('span', { className: 'wk-label', textContent: t('week.off') }));
  } else if (seg.kind === 'emergency') {
    if (start) node.append(el('span', { className: 'wk-label', textContent: t('week.emergency_title', titleOf(byId.get(seg.id))) }));
  } else {
    // Named where the run starts; a chip for each item (a few, then +N).
    if (start) {
      const label = seg.ids.length === 1 ? shortTitle(byId.get(seg.ids[0])) : t('week.n_items', seg.ids.length);
      node.append(el('span', { className: 'wk-label', textContent: label }));
    }
    const shown = seg.ids.slice(0, MAX_CHIPS);
    node.append(el('span', { className: 'wk-chips' }, ...shown.map((id) => chip(colourOf.get(id))),
      seg.ids.length > shown.length ? el('span', { className: 'wk-more', textContent: '+' + (seg.ids.length - shown.length) }) : null));
  }
  return node;
}

function grid(plan, today, byId, colourOf) {
  const g = el('div', { className: 'wk-grid', role: 'table', ariaLabel: t('nav.week') });
  g.append(el('div', { className: 'wk-head wk-corner', textContent: t('week.time') }));
  for (const day of plan.days) {
    const isToday = day.date === today.date;
    g.append(el('div', { className: 'wk-head' + (isToday ? ' wk-today' : ''), dataset: { date: day.date } },
      el('strong', { textContent: t('when.day' + day.weekday) }), ' ', dayMonth(day.date),
      isToday ? el('span', { className: 'wk-today-tag', textContent: t('week.today') }) : null));
  }
  const rows = DAY_MIN / SLOT_MIN;
  for (let r = 0; r < rows; r++) {
    const minute = r * SLOT_MIN;
    g.append(el('div', { className: 'wk-time' + (minute % 60 ? ' wk-half' : ''), textContent: minute % 60 ? '' : hhmm(minute) }));
    for (const day of plan.days) {
      const slot = day.slots[r];
      const before = r > 0 ? day.slots[r - 1].segments.at(-1) : null;
      const kinds = new Set(slot.segments.map((s) => s.kind));
      const ids = new Set(slot.segments.flatMap((s) => (s.kind === 'items' ? s.ids : s.kind === 'emergency' ? [s.id] : [])));
      const tip = slot.segments.map((s) => `${hhmm(s.from)}–${hhmm(s.from + s.minutes)} ${segmentText(s, byId)}`).join('\n');
      const cell = el('div', {
        className: 'wk-cell' + (minute % 60 ? ' wk-half' : '') + (day.date === today.date ? ' wk-today' : ''),
        title: tip,
        dataset: { date: day.date, time: hhmm(minute), state: kinds.size === 1 ? [...kinds][0] : 'mixed', items: [...ids].join(' ') },
      });
      slot.segments.forEach((s, i) => cell.append(drawSegment(s, i ? slot.segments[i - 1] : before, byId, colourOf)));
      if (day.date === today.date && today.minute >= minute && today.minute < minute + SLOT_MIN) {
        const now = el('div', { className: 'wk-now', title: t('week.now') });
        now.style.top = `${((today.minute - minute) / SLOT_MIN) * 100}%`;
        cell.append(now);
      }
      g.append(cell);
    }
  }
  return g;
}

function legend(plan, colourOf) {
  const rows = plan.items.filter((item) => plan.plays.has(item.id)).map((item) => el('tr', { dataset: { item: item.id } },
    el('td', {}, chip(colourOf.get(item.id)), ' ', titleOf(item),
      item.public_service ? el('span', { className: 'status wk-ps', textContent: t('week.public') }) : null),
    td(typeLabel(item.type)),
    td(t('week.seconds', item.duration_s ?? 10)),
    td(item.builtin ? '' : String(item.priority || 0)),
    td(item.builtin ? '' : scheduleText(item.schedule)),
    td(item.builtin ? '' : validText(item, plan.timeZone))));
  for (const item of plan.emergencies.filter((e) => plan.plays.has(e.id))) {
    rows.push(el('tr', { className: 'wk-emergency-row', dataset: { item: item.id } },
      el('td', {}, chip('var(--red)'), ' ', titleOf(item)),
      td(typeLabel(item.type)), td(''), td(String(item.priority || 0)),
      td(scheduleText(item.schedule)), td(validText(item, plan.timeZone))));
  }
  // The ticker runs beside the rotation: its lines are listed, not drawn in the grid.
  for (const item of plan.ticker) {
    rows.push(el('tr', { className: 'wk-ticker-row', dataset: { item: item.id } },
      el('td', {}, el('span', { className: 'wk-chip wk-ticker-chip' }), ' ', titleOf(item)),
      td(typeLabel(item.type)), td(''), td(''),
      td(scheduleText(item.schedule)), td(validText(item, plan.timeZone))));
  }
  const legendTable = table(['week.col.item', 'week.col.type', 'week.col.duration', 'week.col.priority', 'week.col.when', 'week.col.valid'],
    rows, 'week.no_items');
  legendTable.className = 'wk-legend';
  return legendTable;
}

function changes(plan) {
  const rows = plan.changes.map((c) => {
    const day = (new Date(c.wall).getUTCDay() + 6) % 7 + 1;
    return el('tr', { dataset: { item: c.item.id, edge: c.edge } },
      td(`${t('when.day' + day)} ${dayMonth(isoDate(c.wall))} ${hhmm(Math.floor((c.wall % 86400000) / 60000))}`),
      td(t(c.edge === 'start' ? 'week.starts' : 'week.ends'), c.edge === 'start' ? 'wk-starts' : 'wk-ends'),
      td(titleOf(c.item)), td(typeLabel(c.item.type)));
  });
  return table(['week.col.time', 'week.col.change', 'week.col.item', 'week.col.type'], rows, 'week.no_changes');
}

export async function weekPage(page, params, id) {
  const { groups } = await api('GET', '/groups');
  if (!groups.length) {
    page.append(section('nav.week', el('p', { className: 'muted', textContent: t('week.no_groups') })));
    return;
  }
  const wanted = id ? decodeURIComponent(id) : '';
  const group = groups.some((g) => g.name === wanted) ? wanted : groups[0].name;
  if (wanted && wanted !== group) say(t('week.unknown_group', wanted, group), true);
  const manifest = await api('GET', `/groups/${encodeURIComponent(group)}/manifest`);
  const timeZone = (manifest.settings && manifest.settings.timezone) || 'Asia/Shanghai';
  const today = localNow(Date.now(), timeZone);
  const asked = /^\d{4}-\d\d-\d\d$/.test(params.get('week') || '') ? params.get('week') : '';
  const monday = mondayOf(asked || today.date);
  const thisMonday = mondayOf(today.date);
  if (!id || wanted !== group) history.replaceState(null, '', weekHash(group, asked ? monday : ''));

  const plan = planWeek(manifest, monday, { slotMinutes: SLOT_MIN });
  const byId = new Map([...plan.items, ...plan.emergencies].map((i) => [i.id, i]));
  const colourOf = new Map();
  plan.items.forEach((item, i) => colourOf.set(item.id, item.builtin ? BUILTIN_COLOUR : COLOURS[i % COLOURS.length]));

  const groupSelect = select('group', groups.map((g) => [g.name, g.name]), group);
  groupSelect.onchange = () => { location.hash = weekHash(groupSelect.value, monday === thisMonday ? '' : monday); };
  const go = (m) => async () => { location.hash = weekHash(group, m === thisMonday ? '' : m); };
  const controls = el('div', { className: 'filters wk-controls' },
    field('week.group', groupSelect),
    el('div', { className: 'wk-nav' },
      button('‹ ' + t('week.prev'), go(addDays(monday, -7)), 'wk-prev'),
      button(t('week.this'), go(thisMonday), 'wk-this' + (monday === thisMonday ? ' primary' : '')),
      button(t('week.next') + ' ›', go(addDays(monday, 7)), 'wk-next')),
    el('strong', { className: 'wk-range', textContent: t('week.range', dayMonth(monday), dayMonth(addDays(monday, 6))) }));

  const notes = [el('p', { className: 'muted wk-note', textContent: t('week.note', timeZone, SLOT_MIN) })];
  if (!(manifest.items || []).length) {
    notes.push(el('p', { className: 'hint', textContent: t('week.never_published') }));
  }
  const key = el('div', { className: 'wk-key' },
    el('span', {}, el('span', { className: 'wk-swatch wk-swatch-off' }), t('week.off')),
    el('span', {}, el('span', { className: 'wk-swatch wk-swatch-emergency' }), t('week.emergency')),
    el('span', {}, el('span', { className: 'wk-swatch wk-swatch-now' }), t('week.now')));

  page.dataset.group = group;
  page.dataset.week = monday;
  page.append(
    section({ text: t('week.title', group) }, controls, ...notes, key, el('div', { className: 'wk-scroll' }, grid(plan, today, byId, colourOf))),
    section('week.legend', legend(plan, colourOf)),
    section('week.changes', changes(plan)));
}
