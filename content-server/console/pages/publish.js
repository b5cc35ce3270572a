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
      const changed = r.groups.filter((g) => g.changed).map((g) => g.group);
      say(changed.length ? t('pub.done', changed.join('、')) : t('pub.unchanged'));
      result.replaceChildren(el('ul', {}, ...r.groups.map((g) => el('li', { textContent: `${g.group}: ${g.changed ? '✔ ' : ''}${g.version}` }))));
    }, 'primary big')), result));
}
