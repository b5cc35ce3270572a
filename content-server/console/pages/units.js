// Units (admins): the unit tree of the admin's subtree, each unit with the
// share floor it sets for every group below it; a unit added below one of
// theirs, renamed, given a floor, or removed once it holds nothing.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, input, say, section, select, table, td } from '../lib/dom.js';
import { pct } from '../lib/format.js';
import { route } from '../lib/router.js';
import { homeUnit, ownUnits, reloadUnits } from '../lib/units.js';

// A floor as the admin types it: a percentage, empty for none.
function floorOf(text) {
  const v = text.trim();
  if (!v) return null;
  return Number(v.replace(/%$/, '')) / 100;
}

async function changed(message) {
  await reloadUnits();
  await route();
  say(message);
}

export async function unitsPage(page) {
  const own = ownUnits();
  const top = Math.min(...own.map((u) => u.depth));
  const home = homeUnit();
  const rows = own.map((u) => {
    const name = input('unit-name', u.name, { ariaLabel: t('units.name') });
    const floor = input('unit-floor', u.settings && u.settings.min_public_share != null ? String(Math.round(u.settings.min_public_share * 1000) / 10) : '',
      { ariaLabel: t('units.floor'), inputMode: 'decimal', placeholder: '—' });
    const save = button(t('units.save'), async () => {
      const settings = { ...(u.settings || {}) };
      const f = floorOf(floor.value);
      if (f === null) delete settings.min_public_share; else settings.min_public_share = f;
      await api('PUT', '/units/' + u.id, { name: name.value.trim(), settings });
      await changed(t('units.saved', name.value.trim()));
    });
    const remove = u.id === home ? null : button(t('units.delete'), async () => {
      if (!confirm(t('units.confirm_delete', u.name))) return;
      await api('DELETE', '/units/' + u.id);
      await changed(t('units.deleted', u.name));
    }, 'danger');
    return el('tr', { dataset: { unit: String(u.id), name: u.name } },
      el('td', { className: 'unit-cell', style: `padding-left: ${0.5 + 1.25 * (u.depth - top)}rem` }, name),
      el('td', {}, floor), td(u.share_floor == null ? '—' : pct(u.share_floor)),
      el('td', { className: 'actions' }, save, remove));
  });
  const parent = select('unit-parent', own.map((u) => [String(u.id), '\u3000'.repeat(u.depth - top) + u.name]), String(own[0] ? own[0].id : ''));
  const name = input('new-unit-name', '', { autocomplete: 'off' });
  const floor = input('new-unit-floor', '', { inputMode: 'decimal', placeholder: '—' });
  page.append(
    section('units.title', el('p', { className: 'muted', textContent: t('units.help') }),
      table(['units.name', 'units.floor', 'units.floor_in_force', 'content.actions'], rows, 'none')),
    section('units.new',
      el('div', { className: 'grid' }, field('units.parent', parent), field('units.name', name), field('units.floor', floor, t('units.floor_hint'))),
      button(t('units.create'), async () => {
        const f = floorOf(floor.value);
        const body = { name: name.value.trim(), parent: Number(parent.value) };
        if (f !== null) body.settings = { min_public_share: f };
        await api('POST', '/units', body);
        await changed(t('units.created', body.name));
      }, 'primary')));
}
