// Audit log (admins): the latest 200 actions.
import { has, t } from '../i18n.js';
import { api } from '../lib/api.js';
import { el, section, table, td } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';
import { manyUnits, unitName } from '../lib/units.js';

export async function auditPage(page) {
  const { entries } = await api('GET', '/audit?limit=200');
  // With units, the unit each action was taken in (the list is the unit
  // worked in and those below it).
  const units = manyUnits();
  page.append(section('audit.title', table(['audit.time', 'audit.user', 'audit.action', 'audit.target', ...(units ? ['unit.label'] : [])],
    (entries || []).map((a) => el('tr', {}, td(fmtTime(a.at)), td(a.actor || '—'), td(word('act.', a.action)),
      td(`${word('obj.', a.object_type)} ${a.object_id ?? ''}`.trim()), units ? td(unitName(a.unit)) : null)), 'none')));
}

// An action or object type in the user's language; one this console does
// not know yet shows as the server names it.
function word(prefix, name) {
  return has(prefix + name) ? t(prefix + name) : name;
}
