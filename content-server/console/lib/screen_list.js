// A list of screens the server searches, filters and pages
// (GET /api/v1/screens?q=&group=&state=&limit=&offset=): a city has
// thousands, and only the shown page is drawn (and fetches screenshots).
// Used by the dashboard and the screens page.
import { t } from '../i18n.js';
import { api } from './api.js';
import { button, el, field, input, say, select, table } from './dom.js';

export const PAGE_SIZE = 50;

// `row(screen, reload)` draws one screen's <tr>; `headKeys` its columns.
// Returns the list's element and reload() (the same page again).
export async function screenList({ groups, headKeys, row, id }) {
  const search = input('q', '', { type: 'search', id: id + '-search', placeholder: t('dash.search_hint') });
  const group = select('group', [['', t('dash.all_groups')], ...groups.map((g) => [g.name, g.name])], '');
  group.id = id + '-group';
  const state = select('state', [['', t('dash.all_states')], ...['online', 'offline', 'never'].map((st) => [st, t('dash.' + st)])], '');
  state.id = id + '-state';
  const summary = el('p', { className: 'muted screens-summary' });
  const holder = el('div', { className: 'screens-table' });
  const range = el('span', { className: 'muted screens-range' });
  let offset = 0;
  let asked = 0;
  const load = async () => {
    const mine = ++asked;
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    if (search.value.trim()) params.set('q', search.value.trim());
    if (group.value) params.set('group', group.value);
    if (state.value) params.set('state', state.value);
    let answer;
    try {
      answer = await api('GET', '/screens?' + params);
    } catch (e) { say(e.message, true); return; }
    if (mine !== asked) return;  // a later filter has been asked for
    const { screens, total, counts } = answer;
    summary.textContent = t('dash.counts', counts.online, counts.offline, counts.never);
    range.textContent = total ? t('dash.range', offset + 1, offset + screens.length, total) : '';
    prev.disabled = offset === 0;
    next.disabled = offset + screens.length >= total;
    const filtered = search.value.trim() || group.value || state.value;
    holder.replaceChildren(table(headKeys, screens.map((s) => row(s, load)), filtered ? 'dash.no_match' : 'dash.no_screens'));
  };
  const prev = button(t('dash.prev_page'), () => { offset = Math.max(0, offset - PAGE_SIZE); load(); }, 'secondary screens-prev');
  const next = button(t('dash.next_page'), () => { offset += PAGE_SIZE; load(); }, 'secondary screens-next');
  const refilter = () => { offset = 0; load(); };
  let timer;
  search.oninput = () => { clearTimeout(timer); timer = setTimeout(refilter, 250); };
  group.onchange = refilter;
  state.onchange = refilter;
  await load();
  const element = el('div', { className: 'screen-list' }, summary,
    el('div', { className: 'filters' }, field('dash.search', search), field('dash.group', group), field('dash.state', state)),
    holder, el('div', { className: 'pager' }, prev, range, next));
  return { element, reload: load };
}
