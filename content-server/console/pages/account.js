// My account (everyone): one's own password.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, input, say, section } from '../lib/dom.js';
import { session } from '../lib/session.js';

export async function accountPage(page) {
  const old = input('old_password', '', { type: 'password', autocomplete: 'current-password' });
  const fresh = input('new_password', '', { type: 'password', autocomplete: 'new-password' });
  const again = input('new_password_again', '', { type: 'password', autocomplete: 'new-password' });
  page.append(section({ text: t('account.title', session().username) },
    el('p', { className: 'muted', textContent: t('account.role', t('role.' + session().role)) }),
    el('div', { className: 'grid' }, field('account.old', old), field('account.new', fresh, t('users.password_hint')),
      field('account.again', again)),
    button(t('account.change'), async () => {
      if (fresh.value !== again.value) { say(t('account.mismatch'), true); return; }
      await api('POST', '/auth/password', { old_password: old.value, new_password: fresh.value });
      old.value = fresh.value = again.value = '';
      say(t('account.changed'));
    }, 'primary')));
}
