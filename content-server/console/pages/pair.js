// Screens and pairing (admins): pair a screen by its code, move a screen to
// another group, revoke one.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, input, say, section, select, td } from '../lib/dom.js';
import { screenList } from '../lib/screen_list.js';
import { fmtTime } from '../lib/format.js';

export async function pairPage(page) {
  const { groups } = await api('GET', '/groups');
  const groupOptions = groups.map((g) => [g.name, g.name]);
  const code = input('code', '', { className: 'mono', autocomplete: 'off' });
  const name = input('name');
  const group = select('group', groupOptions, groups[0] && groups[0].name);
  const screenRow = (s, reload) => {
    const move = select('screen-group', groupOptions, s.group);
    move.onchange = async () => {
      try {
        await api('PUT', '/screens/' + s.id, { group: move.value });
        say(t('screens.moved', s.name, move.value));
      } catch (e) { move.value = s.group; say(e.message, true); }
    };
    // Revoking takes two clicks: the first arms the button for five seconds.
    const revoke = el('button', { type: 'button', className: 'danger', textContent: t('screens.revoke') });
    let armed = null;
    revoke.onclick = async () => {
      if (!armed) {
        revoke.textContent = t('screens.revoke_confirm', s.name);
        armed = setTimeout(() => { armed = null; revoke.textContent = t('screens.revoke'); }, 5000);
        return;
      }
      clearTimeout(armed);
      revoke.disabled = true;
      try {
        await api('POST', `/screens/${s.id}/revoke`);
        say(t('screens.revoked', s.name));
        await reload();
      } catch (e) { say(e.message, true); revoke.disabled = false; }
    };
    return el('tr', { dataset: { screen: s.name }, className: s.revoked ? 'muted' : '' }, td(s.name), el('td', {}, move),
      td(s.last_seen ? fmtTime(s.last_seen) : t('dash.never'), 'muted'),
      s.revoked ? td(t('screens.is_revoked')) : el('td', {}, revoke));
  };
  const list = await screenList({
    groups, id: 'screens', row: screenRow,
    headKeys: ['dash.name', 'dash.group', 'dash.last_seen', 'content.actions'],
  });
  page.append(section('pair.title',
    el('div', { className: 'grid' }, field('pair.code', code), field('pair.name', name), field('pair.group', group)),
    button(t('pair.button'), async () => {
      const r = await api('POST', '/screens/pair', { code: code.value.trim(), name: name.value.trim(), group: group.value });
      say(t('pair.done', r.name || name.value, r.group || group.value));
    }, 'primary')),
    section('screens.title', el('p', { className: 'muted', textContent: t('screens.hint') }), list.element));
}
