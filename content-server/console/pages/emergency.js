// Emergency notices: written and submitted in one step, approved (naming the
// revision shown) and sent to the screens in one click by a reviewer (not
// the author), withdrawn in one click by any reviewer or by the author.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, input, say, section, statusBadge, table, td } from '../lib/dom.js';
import { fmtTime, isoWithOffset, localInputValue } from '../lib/format.js';
import { navigate, route } from '../lib/router.js';
import { can, isOwn, session } from '../lib/session.js';
import { commonFields, label, slideType } from '../lib/slide_types.js';
import { ended, isLive, withdrawControls } from '../lib/workflow.js';

export async function emergencyPage(page) {
  const [{ slides }, { groups }] = await Promise.all([api('GET', '/slides'), api('GET', '/groups')]);
  const notices = slides.filter((s) => s.type === 'emergency');
  const rows = notices.map((s) => {
    const live = isLive(s);
    const actions = el('td', { className: 'actions' });
    if (s.status === 'pending' && can('reviewer')) {
      if (isOwn(s)) actions.append(el('span', { className: 'muted', textContent: t('review.own') }));
      else {
        actions.append(button(t('em.send'), async () => {
          await api('POST', `/slides/${s.id}/approve`, { revision: s.revision });
          const r = await api('POST', '/publish');
          const changed = r.groups.filter((g) => g.changed).map((g) => g.group);
          say(t('em.sent', s.title || s.id, changed.join('、') || '—'));
          await route();
        }, 'primary'));
      }
    }
    if (live && (can('reviewer') || s.author === session()?.username)) {
      actions.append(...withdrawControls(async (reason) => {
        await api('POST', `/slides/${s.id}/withdraw`, reason ? { reason } : {});
        say(t('em.withdrawn', s.title || s.id));
        await route();
      }, 'em.withdraw'));
    }
    return el('tr', { dataset: { id: s.id }, className: ended(s) ? 'muted' : '' },
      td(s.id), el('td', {}, el('strong', { textContent: s.title || t('untitled') }), el('div', { className: 'muted clip', textContent: s.body || '' })),
      td((s.groups || []).join('、') || t('all')), td(fmtTime(s.valid_until)),
      el('td', {}, live ? el('span', { className: 'status status-emergency-live', textContent: t('em.live') }) : statusBadge(s.status)),
      actions);
  });
  page.append(section('em.title', el('p', { className: 'muted', textContent: t('em.hint') }),
    table(['content.id', 'em.notice', 'ed.groups', 'em.until', 'content.status', 'content.actions'], rows, 'em.none')));
  if (!can('editor')) return;
  const spec = slideType('emergency');
  const bodyField = spec.fields.find((f) => f.name === 'body');
  const titleField = commonFields().find((f) => f.name === 'title');
  // Screens speak Chinese: the default title is the type's Chinese name.
  const title = input('title', spec.label['zh-CN'], { maxLength: titleField.max_chars });
  const body = el('textarea', { name: 'body', rows: 4, maxLength: bodyField.max_chars });
  const until = input('valid_until', localInputValue(new Date(Date.now() + 2 * 3600e3)), { type: 'datetime-local' });
  const boxes = groups.map((g) => el('label', { className: 'inline' }, el('input', { type: 'checkbox', name: 'group', value: g.name }), ' ' + g.name));
  page.append(section('em.new',
    el('div', { className: 'grid' }, field({ text: label(titleField.label) }, title), field('em.until', until)),
    field({ text: label(bodyField.label) }, body),
    el('div', { className: 'label' }, el('span', { textContent: t('em.groups') }), el('div', { className: 'checks' }, ...boxes)),
    button(t('em.submit'), async () => {
      const chosen = boxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value);
      const created = await api('POST', '/slides', {
        type: 'emergency', title: title.value.trim(), body: body.value, groups: chosen,
        valid_until: until.value ? isoWithOffset(until.value) : '',
      });
      await api('POST', `/slides/${created.id}/submit`);
      say(t('em.submitted', created.title || created.id));
      navigate('#emergency');
    }, 'primary')));
}
