// The unit tree the signed-in user sees (GET /api/v1/units), and the unit
// the console works in: the unit switcher in the header chooses it among the
// user's own (their unit and those below), lists ask for it (?unit=) and new
// slides, questions, groups, staff and uploads belong to it. An
// installation with one unit shows no switcher.
import { t } from '../i18n.js';
import { el } from './dom.js';
import { authHeaders } from './session.js';

const KEY = 'signage.unit';
let tree = null;  // { units: [...], home }

// Loads the tree once per sign-in (forget() starts over).
export async function loadUnits() {
  if (tree) return tree;
  const res = await fetch('/api/v1/units', { headers: authHeaders() });
  tree = res.ok ? await res.json() : { units: [], home: null };
  const chosen = Number(sessionStorage.getItem(KEY));
  if (!ownUnits().some((u) => u.id === chosen)) sessionStorage.removeItem(KEY);
  return tree;
}

// Reads the tree again (after a unit was added, renamed or removed), keeping
// the unit chosen while it still exists; the header's switcher is drawn
// again ("units-changed").
export async function reloadUnits() {
  tree = null;
  await loadUnits();
  window.dispatchEvent(new Event('units-changed'));
  return tree;
}

export function forgetUnits() {
  tree = null;
  sessionStorage.removeItem(KEY);
}

// The units the user's role holds in, each followed by those below it.
export function ownUnits() {
  if (!tree) return [];
  const own = tree.units.filter((u) => u.scope === 'own');
  const ids = new Set(own.map((u) => u.id));
  const out = [];
  const visit = (u) => {
    out.push(u);
    own.filter((c) => c.parent === u.id).forEach(visit);
  };
  own.filter((u) => !ids.has(u.parent)).forEach(visit);
  return out;
}

// The signed-in user's own unit.
export function homeUnit() {
  return tree ? tree.home : null;
}

export function manyUnits() {
  return !!tree && tree.units.length > 1;
}

// The unit the console works in: the chosen one, else the user's own.
export function currentUnit() {
  const chosen = Number(sessionStorage.getItem(KEY));
  return chosen || (tree && tree.home) || null;
}

export function unitName(id) {
  const u = tree && tree.units.find((x) => x.id === id);
  return u ? u.name : String(id);
}

// `path` with ?unit= for the lists a unit narrows; as it is otherwise.
const LISTS = /^\/(slides|quiz\/questions|groups|screens|users|media|audit)(\?|$)/;
export function withUnit(method, path) {
  const unit = currentUnit();
  if (!manyUnits() || !unit || !(method === 'GET' || (method === 'PUT' && path === '/media'))) return path;
  if (!LISTS.test(path)) return path;
  return path + (path.includes('?') ? '&' : '?') + 'unit=' + unit;
}

// A new record's body, made in the current unit unless it names one.
const MADE = /^\/(slides|quiz\/questions|groups|users)$/;
export function inUnit(method, path, body) {
  const unit = currentUnit();
  if (method !== 'POST' || !MADE.test(path) || !manyUnits() || !unit) return body;
  if (!body || typeof body !== 'object' || Array.isArray(body) || 'unit' in body) return body;
  return { ...body, unit };
}

// Where an item comes from, as the user sees it: 本单位, a unit below, or
// sent down from above.
export function originLabel(item) {
  if (item.origin === 'own' || !item.origin) return t('unit.origin.own');
  return t('unit.origin.' + item.origin, item.unit_name || unitName(item.unit));
}

// The header's switcher: a select of the user's own units, indented by
// depth; `changed` runs after a choice.
export function unitSwitcher(changed) {
  const own = ownUnits();
  if (!manyUnits()) return null;
  // One unit of one's own: its name, for where the work goes.
  if (own.length < 2) return own.length ? el('span', { className: 'unit-name', textContent: own[0].name }) : null;
  const top = Math.min(...own.map((u) => u.depth));
  const sel = el('select', { id: 'unit-switch', 'aria-label': t('unit.switch') },
    ...own.map((u) => el('option', {
      value: String(u.id), textContent: '\u3000'.repeat(u.depth - top) + u.name,
      selected: u.id === currentUnit(),
    })));
  sel.onchange = () => {
    sessionStorage.setItem(KEY, sel.value);
    changed();
  };
  return el('label', { className: 'unit-switch' }, t('unit.label') + ' ', sel);
}
