// Audit log (admins): the latest 200 actions.
import { api } from '../lib/api.js';
import { el, section, table, td } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';

export async function auditPage(page) {
  const { entries } = await api('GET', '/audit?limit=200');
  page.append(section('audit.title', table(['audit.time', 'audit.user', 'audit.action', 'audit.target'],
    (entries || []).map((a) => el('tr', {}, td(fmtTime(a.at)), td(a.actor || '—'), td(a.action),
      td(`${a.object_type} ${a.object_id}`))), 'none')));
}
