// Forbidden words (admins change them; the others read them).
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, say, section } from '../lib/dom.js';
import { can } from '../lib/session.js';

export async function settingsPage(page) {
  const { words } = await api('GET', '/settings/forbidden-words');
  const box = el('textarea', { name: 'words', rows: 12, value: (words || []).join('\n'), readOnly: !can('admin') });
  page.append(section('settings.words',
    el('p', { className: 'muted', textContent: t('settings.words_hint') }), box,
    can('admin') ? el('div', { className: 'bar' }, button(t('save'), async () => {
      const list = box.value.split('\n').map((w) => w.trim()).filter((w) => w);
      const r = await api('PUT', '/settings/forbidden-words', { words: list });
      box.value = r.words.join('\n');
      say(t('settings.words_saved', r.words.length));
    }, 'primary')) : null));
}
