// Content: the slides, filtered by status and type, with their actions.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, say, section, select, statusBadge, table, td } from '../lib/dom.js';
import { route } from '../lib/router.js';
import { can } from '../lib/session.js';
import { slideTypes, typeLabel } from '../lib/slide_types.js';
import { isLive, purposeBadge, saySubmitted, STATUSES, withdrawControls } from '../lib/workflow.js';

function slideActions(s, after) {
  const cell = el('td', { className: 'actions' });
  if (can('editor')) cell.append(el('a', { href: '#editor/' + s.id, className: 'btn', textContent: t('edit') }));
  if (can('editor') && (s.status === 'draft' || s.status === 'rejected')) {
    cell.append(button(t('submit'), async () => {
      saySubmitted(t('submitted', s.title || s.id), await api('POST', `/slides/${s.id}/submit`));
      await after();
    }));
  }
  if (can('reviewer') && isLive(s)) {
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
  const statusSel = select('status', [['', t('all')], ...STATUSES.map((s) => [s, t('status.' + s)])], status);
  const typeSel = select('type', [['', t('all')], ...slideTypes().map((x) => [x.name, typeLabel(x.name)])], type);
  const apply = () => { location.hash = `#content?status=${statusSel.value}&type=${typeSel.value}`; };
  statusSel.onchange = apply;
  typeSel.onchange = apply;
  const shown = slides.filter((s) => (!status || s.status === status) && (!type || s.type === type));
  const rows = shown.map((s) => el('tr', { dataset: { id: s.id } },
    td(s.id), el('td', {}, typeLabel(s.type), ' ', purposeBadge(s)), td(s.title || t('untitled')),
    el('td', {}, statusBadge(s.status), s.has_approved_version && s.status === 'pending' ? el('small', { className: 'muted block', textContent: t('content.live_copy') }) : null),
    td(s.author), td(s.reject_reason || '', 'muted'), slideActions(s, () => route())));
  page.append(section('content.title',
    el('div', { className: 'filters' }, field('content.filter_status', statusSel), field('content.filter_type', typeSel),
      can('editor') ? el('a', { href: '#editor', className: 'btn primary', textContent: t('content.new') }) : null),
    table(['content.id', 'content.type', 'content.ttl', 'content.status', 'content.author', 'content.reason', 'content.actions'], rows, 'content.empty')));
}
