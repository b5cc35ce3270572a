// Proof of play: a screen's or group's day, hour by hour against the
// group's minimum public-service share, per item, and the loops that fell
// short; the CSV tables for inspectors (fetched with the session, saved as files).
import { t } from '../i18n.js';
import { api, download } from '../lib/api.js';
import { button, el, field, input, section, select, table, td } from '../lib/dom.js';
import { localToday, pct } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { currentUnit, manyUnits } from '../lib/units.js';

export async function reportsPage(page, params) {
  const [{ screens }, { groups }] = await Promise.all([api('GET', '/screens'), api('GET', '/groups')]);
  const scopes = [...(screens || []).map((s) => ['screen=' + s.id, t('rep.screen', s.name, s.group)]),
    ...(groups || []).map((g) => ['group=' + encodeURIComponent(g.name), t('rep.group', g.name)])];
  const chosen = params.get('scope') || (scopes[0] && scopes[0][0]) || '';
  const day = params.get('day') || localToday();
  const scope = select('scope', scopes, chosen);
  const dayInput = input('day', day, { type: 'date' });
  page.append(section('rep.title', el('div', { className: 'bar' }, field('rep.scope', scope), field('rep.day', dayInput),
    button(t('quiz.show'), async () => navigate('#reports?scope=' + encodeURIComponent(scope.value) + '&day=' + dayInput.value), 'primary'))));
  if (manyUnits()) await unitRollup(page, day);
  if (!chosen) { page.append(el('p', { className: 'muted', textContent: t('dash.no_screens') })); return; }
  const query = `${chosen}&from=${day}`;
  const r = await api('GET', '/reports/plays?' + query);
  const s = r.summary;
  page.append(section({ text: t('rep.summary', r.from, r.timezone) },
    el('p', { id: 'report-summary', textContent: t('rep.totals', s.plays, Math.round(s.airtime_ms / 60000), pct(s.share), pct(r.min_public_share), s.loops_complete, s.loops_short, s.hours_short) }),
    el('div', { className: 'bar' }, ...['hours', 'loops', 'items', 'plays'].map((table) =>
      button(t('rep.csv', t('rep.table.' + table)), () => download(`/reports/plays?${query}&format=csv&table=${table}`, `plays-${table}.csv`))))));
  const hours = r.hours.filter((h) => h.airtime_ms > 0);
  page.append(section('rep.hours', table(['rep.hour', 'rep.plays', 'rep.airtime', 'rep.share', 'rep.minimum', 'rep.state'],
    hours.map((h) => el('tr', { className: h.short ? 'short' : '' }, td(`${h.date} ${String(h.hour).padStart(2, '0')}:00`), td(h.plays),
      td((h.airtime_ms / 60000).toFixed(1)), td(pct(h.share)), td(pct(r.min_public_share)), td(h.short ? t('rep.short') : t('rep.ok')))), 'rep.none')));
  page.append(section('rep.items', table(['content.id', 'content.ttl', 'rep.public', 'rep.plays', 'rep.airtime'],
    r.items.map((i) => el('tr', {}, td(i.slide_id || '—'), td(i.title), td(i.public_service ? t('yes') : t('no')), td(i.plays),
      td((i.airtime_ms / 60000).toFixed(1)))), 'rep.none')));
  page.append(section('rep.short_loops', table(['rep.screen_col', 'rep.loop', 'rep.start', 'rep.airtime', 'rep.share'],
    r.short_loops.map((l) => el('tr', { className: 'short' }, td(l.screen), td(l.loop_id), td(l.start_local),
      td((l.airtime_ms / 60000).toFixed(1)), td(pct(l.share)))), 'rep.no_short')));
}

// The unit worked in and each unit below it, each row its subtree's sums
// (GET /reports/units): what an inspector of a district checks first.
async function unitRollup(page, day) {
  const query = `unit=${currentUnit()}&from=${day}`;
  const r = await api('GET', '/reports/units?' + query);
  const ratio = (part, whole) => (whole ? `${part} / ${whole}` : '—');
  // A figure that falls short is marked in its own cell.
  const mark = (text, short) => td(text, short ? 'short-cell' : '');
  const rows = r.units.map((u) => el('tr', {},
    el('td', { className: 'unit-cell', textContent: u.name, style: `padding-left: ${0.5 + 1.25 * u.depth}rem` }),
    td(ratio(u.screens_online, u.screens)), td(u.airtime_ms ? pct(u.share) : '—'), td(u.share_floor == null ? '—' : pct(u.share_floor)),
    mark(ratio(u.loops_short, u.loops_complete), u.loops_short > 0), mark(ratio(u.hours_short, u.hours), u.hours_short > 0),
    mark(ratio(u.required_played, u.required), u.required_played < u.required)));
  page.append(section({ text: t(r.units.length > 1 ? 'rep.units' : 'rep.unit_alone', r.name, r.from) },
    el('p', { className: 'muted', textContent: t('rep.units_help') }),
    table(['rep.unit', 'rep.online', 'rep.share', 'rep.floor', 'rep.loops_short', 'rep.hours_short', 'rep.required'], rows, 'rep.none'),
    el('div', { className: 'bar' }, ...['units', 'missing'].map((table) =>
      button(t('rep.csv', t('rep.table.' + table)), () => download(`/reports/units?${query}&format=csv&table=${table}`, `units-${table}.csv`))))));
  if (r.missing.length) {
    page.append(section({ text: t('rep.missing', r.missing_total) }, table(['rep.unit', 'rep.screen_col', 'content.id', 'content.ttl'],
      r.missing.map((m) => el('tr', { className: 'short' }, td(m.unit_name), td(m.screen), td(m.slide_id), td(m.title))), 'rep.none')));
  }
}
