// The rotation order of a group (#order/NAME): the group's slides in the
// order the screens play them. Editors move them by drag and drop or with the
// keyboard (上移/下移, Alt+↑/Alt+↓ on the focused row) and submit the order
// for review; like content it reaches screens once a reviewer approves it and
// the next publish goes out. Items sent down from the units above are marked
// with where they come from; the group may take an optional one off its
// screens (本组不播, reviewed with the order), never one required from above.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, say, section } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';
import { route } from '../lib/router.js';
import { can } from '../lib/session.js';
import { typeLabel } from '../lib/slide_types.js';
import { unitName } from '../lib/units.js';
import { purposeBadge } from '../lib/workflow.js';

const path = (group) => '/groups/' + encodeURIComponent(group) + '/order';

// The slides as the editor last ordered them: the proposed order when one
// waits or was rejected, else the order that applies; slides it leaves out follow.
function startingOrder(order) {
  const byId = new Map(order.slides.map((s) => [s.id, s]));
  const first = order.proposed ? order.proposed.slides.filter((id) => byId.has(id)) : [];
  return [...first.map((id) => byId.get(id)), ...order.slides.filter((s) => !first.includes(s.id))];
}

function titles(order, ids) {
  const byId = new Map(order.slides.map((s) => [s.id, s.title || t('untitled')]));
  return ids.map((id) => byId.get(id) || t('order.gone', id));
}

// Where the order stands: the proposed one (waiting or rejected) and the approved one.
function orderState(order) {
  const p = order.proposed;
  const box = el('div', { className: 'order-state' });
  if (p && p.status === 'pending') {
    box.append(el('p', { className: 'status status-pending', textContent: t('order.pending', p.by, fmtTime(p.at)) }));
  } else if (p && p.status === 'rejected') {
    box.append(el('p', { className: 'status status-rejected', textContent: t('order.rejected', p.reason) }));
  }
  const a = order.approved;
  box.append(el('p', { className: 'muted', textContent: a ? t('order.approved', a.by, fmtTime(a.at)) : t('order.default') }));
  if (a) box.append(el('ol', { className: 'order-approved' }, ...titles(order, a.slides).map((x) => el('li', { textContent: x }))));
  return box;
}

// The items the group takes off its screens as the editor last chose: the
// proposed order's when one waits or was rejected, else the approved one's.
function startingHidden(order) {
  const ids = order.proposed ? order.proposed.hidden : order.approved ? order.approved.hidden : [];
  return new Set(ids || []);
}

// Where an item from above comes from, and whether the group may hide it.
function fromAbove(s, editable, hidden) {
  if (!s.from_above) return [];
  const out = [el('span', { className: 'status origin-above', textContent: t('unit.origin.above', unitName(s.unit)) })];
  if (s.required) {
    out.push(el('span', { className: 'required-badge', textContent: t('order.required') }));
  } else {
    const box = el('input', { type: 'checkbox', name: 'hide', checked: hidden.has(s.id), disabled: !editable });
    out.push(el('label', { className: 'order-hide' }, box, el('span', { textContent: t('order.hide') })));
  }
  return out;
}

// The list the editor orders: rows draggable and operable from the keyboard.
function orderList(slides, editable, live, hidden) {
  const list = el('ol', { className: 'order-list', ariaLabel: t('order.list') });
  const rows = () => [...list.children];
  const announce = (row) => {
    const i = rows().indexOf(row);
    live.textContent = t('order.moved', row.dataset.title, i + 1, rows().length);
  };
  const move = (row, delta) => {
    const i = rows().indexOf(row);
    const j = i + delta;
    if (j < 0 || j >= rows().length) return;
    if (delta < 0) list.insertBefore(row, rows()[j]); else rows()[j].after(row);
    row.focus();
    announce(row);
  };
  let dragged = null;
  for (const s of slides) {
    const row = el('li', { className: 'order-row', tabIndex: 0, dataset: { id: s.id, title: s.title || t('untitled') } },
      el('span', { className: 'order-handle', textContent: '⠿', ariaHidden: 'true' }),
      el('span', { className: 'order-title', textContent: s.title || t('untitled') }),
      el('span', { className: 'muted', textContent: ` ${typeLabel(s.type)} · ${t('order.seconds', s.duration_s)} · ${t('status.' + s.status)}` }),
      purposeBadge(s), ...fromAbove(s, editable, hidden));
    if (editable) {
      row.draggable = true;
      row.append(el('span', { className: 'order-buttons' },
        el('button', { type: 'button', textContent: t('entry.up'), ariaLabel: t('order.up', row.dataset.title), onclick: () => move(row, -1) }),
        el('button', { type: 'button', textContent: t('entry.down'), ariaLabel: t('order.down', row.dataset.title), onclick: () => move(row, 1) })));
      row.addEventListener('keydown', (ev) => {
        if (!ev.altKey || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return;
        ev.preventDefault();
        move(row, ev.key === 'ArrowUp' ? -1 : 1);
      });
      row.addEventListener('dragstart', (ev) => {
        dragged = row;
        row.classList.add('dragging');
        ev.dataTransfer.effectAllowed = 'move';
        ev.dataTransfer.setData('text/plain', s.id);
      });
      row.addEventListener('dragend', () => { row.classList.remove('dragging'); dragged = null; });
      row.addEventListener('dragover', (ev) => { if (dragged && dragged !== row) ev.preventDefault(); });
      row.addEventListener('drop', (ev) => {
        ev.preventDefault();
        if (!dragged || dragged === row) return;
        const after = rows().indexOf(dragged) < rows().indexOf(row);
        if (after) row.after(dragged); else list.insertBefore(dragged, row);
        announce(dragged);
      });
    }
    list.append(row);
  }
  return list;
}

export async function orderPage(page, _params, name) {
  const group = decodeURIComponent(name || '');
  const order = await api('GET', path(group));
  const editable = can('editor');
  const live = el('p', { className: 'sr-only', ariaLive: 'polite', role: 'status' });
  const slides = startingOrder(order);
  const list = orderList(slides, editable, live, startingHidden(order));
  page.append(section({ text: t('order.title', group) },
    el('p', { className: 'muted', textContent: t(editable ? 'order.help' : 'order.help_read') }),
    orderState(order),
    slides.length ? list : el('p', { className: 'muted', textContent: t('order.empty') }),
    live,
    editable && slides.length ? el('div', { className: 'actions' }, button(t('order.submit'), async () => {
      const rows = [...list.children];
      await api('PUT', path(group), {
        slides: rows.map((r) => r.dataset.id),
        hidden: rows.filter((r) => r.querySelector('input[name=hide]:checked')).map((r) => r.dataset.id),
      });
      say(t('order.submitted', group));
      await route();
    }, 'primary')) : null,
    el('p', {}, el('a', { href: '#groups', textContent: t('order.back') }))));
}
