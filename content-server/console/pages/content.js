// Content: the slides, filtered by status and type, searched and sorted (in
// the page: the list is loaded whole), with their actions.
import { currentLang, t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, input, say, section, select, statusBadge, table, td } from '../lib/dom.js';
import { navigate, route } from '../lib/router.js';
import { can, session } from '../lib/session.js';
import { slideTypes, typeLabel } from '../lib/slide_types.js';
import { manyUnits, originLabel } from '../lib/units.js';
import { isLive, purposeBadge, saySubmitted, STATUSES, withdrawControls } from '../lib/workflow.js';

function slideActions(s, after) {
  const cell = el('td', { className: 'actions' });
  // An item sent down from above is read only here: a copy of it is this unit's own.
  // A new draft with the same content, opened in the editor.
  const duplicate = () => button(t('content.duplicate'), async () => {
    const copy = await api('POST', `/slides/${s.id}/duplicate`);
    say(t('content.duplicated', copy.title || copy.id));
    navigate('#editor/' + copy.id);
  });
  if (s.origin === 'above') {
    if (can('editor')) cell.append(duplicate());
    return cell;
  }
  if (can('editor')) {
    cell.append(el('a', { href: '#editor/' + s.id, className: 'btn', textContent: t('edit') }), duplicate());
  }
  if (can('editor') && (s.status === 'draft' || s.status === 'rejected')) {
    cell.append(button(t('submit'), async () => {
      saySubmitted(t('submitted', s.title || s.id), await api('POST', `/slides/${s.id}/submit`));
      await after();
    }));
  }
  // Reviewers withdraw live content; so does its author.
  if ((can('reviewer') || s.author === session()?.username) && isLive(s)) {
    cell.append(...withdrawControls(async (reason) => {
      await api('POST', `/slides/${s.id}/withdraw`, reason ? { reason } : {});
      say(t('withdrawn', s.title || s.id));
      await after();
    }));
  }
  if (can('editor')) {
    cell.append(button(t('delete'), async () => {
      if (!confirm(t('confirm_delete', s.title || s.id))) return;
      await api('DELETE', `/slides/${s.id}`);
      say(t('deleted'));
      await after();
    }, 'danger'));
  }
  return cell;
}

export async function contentPage(page, params) {
  const status = params.get('status') || '';
  const type = params.get('type') || '';
  const { slides } = await api('GET', '/slides');
  const units = manyUnits();
  const statusSel = select('status', [['', t('all')], ...STATUSES.map((s) => [s, t('status.' + s)])], status);
  const typeSel = select('type', [['', t('all')], ...slideTypes().map((x) => [x.name, typeLabel(x.name)])], type);
  const apply = () => { location.hash = `#content?status=${statusSel.value}&type=${typeSel.value}`; };
  statusSel.onchange = apply;
  typeSel.onchange = apply;
  const shown = slides.filter((s) => (!status || s.status === status) && (!type || s.type === type));
  const rows = new Map(shown.map((s) => [s, el('tr', { dataset: { id: s.id } },
    td(s.id), el('td', {}, typeLabel(s.type), ' ', purposeBadge(s)), td(s.title || t('untitled')),
    el('td', {}, statusBadge(s.status), s.has_approved_version && s.status === 'pending' ? el('small', { className: 'muted block', textContent: t('content.live_copy') }) : null),
    td(s.author), ...(units ? [el('td', {}, el('span', { className: 'status origin-' + (s.origin || 'own'), textContent: originLabel(s) }))] : []),
    td(s.reject_reason || '', 'muted'), slideActions(s, () => route()))]));
  const search = input('q', '', { type: 'search', id: 'content-search', placeholder: t('content.search_hint') });
  const sortSel = select('sort', ['id', 'updated', 'title', 'status'].map((k) => [k, t('content.sort.' + k)]), 'id');
  sortSel.id = 'content-sort';
  const holder = el('div');
  const draw = () => {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const list = shown.filter((s) => words.every((w) => searchText(s).includes(w)));
    list.sort(ORDER[sortSel.value]);
    holder.replaceChildren(table(['content.id', 'content.type', 'content.ttl', 'content.status', 'content.author', ...(units ? ['content.origin'] : []), 'content.reason', 'content.actions'],
      list.map((s) => rows.get(s)), 'content.empty'));
  };
  search.oninput = draw;
  sortSel.onchange = draw;
  draw();
  page.append(section('content.title',
    el('div', { className: 'filters' }, field('content.filter_status', statusSel), field('content.filter_type', typeSel),
      field('content.search', search), field('content.sort', sortSel),
      can('editor') ? el('a', { href: '#editor', className: 'btn primary', textContent: t('content.new') }) : null),
    holder));
}

// A slide's words a search looks in: its title and every text it shows
// (body, caption, entries' names and deeds, …), in lower case.
const searchTexts = new WeakMap();
function searchText(s) {
  if (!searchTexts.has(s)) {
    const words = [];
    const collect = (v) => {
      if (typeof v === 'string') words.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'photo') collect(x);
    };
    collect([s.title, s.body, s.caption, s.entries, s.red, s.black, s.qr && s.qr.label]);
    searchTexts.set(s, words.join('\n').toLowerCase());
  }
  return searchTexts.get(s);
}

const byId = (a, b) => Number(a.id) - Number(b.id);
const ORDER = {
  id: byId,
  updated: (a, b) => (b.updated_at || '').localeCompare(a.updated_at || '') || byId(b, a),
  title: (a, b) => (a.title || '').localeCompare(b.title || '', currentLang() === 'en' ? 'en' : 'zh-CN') || byId(a, b),
  status: (a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) || byId(a, b),
};
