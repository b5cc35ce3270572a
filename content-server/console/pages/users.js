// Users (admins): the accounts, their role and state, and a new account.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, input, say, section, select, table, td } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';
import { navigate, route } from '../lib/router.js';
import { session } from '../lib/session.js';
import { manyUnits, unitName } from '../lib/units.js';

const ROLES = ['editor', 'reviewer', 'admin'];

function roleSelect(name, value) {
  return select(name, ROLES.map((r) => [r, t('role.' + r)]), value);
}

export async function usersPage(page) {
  const { users } = await api('GET', '/users');
  const rows = (users || []).map((u) => {
    const role = roleSelect('role', u.role);
    role.onchange = async () => {
      try {
        await api('PUT', '/users/' + encodeURIComponent(u.username), { role: role.value });
        say(t('users.role_changed', u.username, t('role.' + role.value)));
      } catch (e) { role.value = u.role; say(e.message, true); }
    };
    const toggle = button(t(u.disabled ? 'users.enable' : 'users.disable'), async () => {
      await api('PUT', '/users/' + encodeURIComponent(u.username), { disabled: !u.disabled });
      say(t(u.disabled ? 'users.enabled' : 'users.disabled', u.username));
      await route();
    });
    return el('tr', { className: u.disabled ? 'muted' : '' }, td(u.username), manyUnits() ? td(u.unit_name || unitName(u.unit)) : null, el('td', {}, role),
      td(t(u.disabled ? 'users.state_disabled' : 'users.state_active')), td(fmtTime(u.created_at), 'muted'),
      el('td', {}, u.username === session().username ? null : toggle));
  });
  const name = input('username', '', { autocomplete: 'off' });
  const role = roleSelect('new-role', 'editor');
  const pw = input('password', '', { type: 'password', autocomplete: 'new-password' });
  page.append(
    section('users.title', table(['users.username', ...(manyUnits() ? ['unit.label'] : []), 'users.role', 'users.state', 'users.created', 'content.actions'], rows, 'none')),
    section('users.new',
      el('div', { className: 'grid' }, field('users.username', name), field('users.role', role),
        field('users.password', pw, t('users.password_hint'))),
      button(t('users.create'), async () => {
        await api('POST', '/users', { username: name.value.trim(), role: role.value, password: pw.value });
        say(t('users.created_ok', name.value.trim(), t('role.' + role.value)));
        navigate('#users');
      }, 'primary')));
}
