// Building the pages: elements, form fields, tables, sections, and the
// message line under the header.
import { t } from '../i18n.js';
import { problemText } from './errors.js';

export const $ = (id) => document.getElementById(id);

export function say(text, isError = false) {
  const m = $('message');
  m.textContent = text;
  m.className = isError ? 'error' : 'ok';
}

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('aria') || k === 'for' || k === 'role') node.setAttribute(k === 'for' ? 'for' : k.replace(/^aria/, 'aria-').toLowerCase(), v);
    else node[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

// A button whose action's error is shown in the message line.
export function button(label, action, className = '') {
  const b = el('button', { type: 'button', textContent: label, className });
  b.onclick = async () => {
    b.disabled = true;
    try {
      await action();
    } catch (e) {
      // A refused field is named as its form labels it ("code" is the
      // pairing code on one page, the prize code on another).
      const label = markField(b.closest('form, section'), e);
      say(label && e.error ? t('err.field', label, problemText(e.status, e.error)) : e.message, true);
    } finally {
      b.disabled = false;
    }
  };
  return b;
}

// Marks and focuses the control of the field a refused request names (an
// ApiError's error.field) within `scope`: "settings.power_off[1].to" finds
// the control named "to", else "power_off", else "settings" (or a quiz
// setting's "q_" control). Returns the control's label, '' when it has none,
// null when no control was found.
export function markField(scope, e) {
  const path = e && e.error && e.error.field;
  if (!scope || typeof path !== 'string') return null;
  const names = path.replace(/\[\d+\]/g, '').split('.').reverse();
  for (const name of names) {
    const n = CSS.escape(name);
    const control = scope.querySelector(`[name="${n}"]:not([type=hidden]), [name="q_${n}"]`);
    if (!control) continue;
    control.classList.add('invalid');
    control.focus();
    control.addEventListener('input', () => control.classList.remove('invalid'), { once: true });
    const label = control.closest('label');
    const text = label && label.querySelector(':scope > span');
    return text ? text.textContent : '';
  }
  return null;
}

// A labelled control; the label is an i18n key or { text }.
export function field(labelKey, input, hint) {
  const text = typeof labelKey === 'string' ? t(labelKey) : labelKey.text;
  return el('label', {}, el('span', { textContent: text }), input, hint ? el('small', { className: 'muted', textContent: hint }) : null);
}

// A file input in the console's words. The browser's own button speaks the
// browser's language ("Choose File" in a Chinese console), so the input is
// hidden behind a button of ours that names the chosen files.
export function filePicker(file, labelKey) {
  file.classList.add('file-input');
  const name = el('span', { className: 'file-name muted', textContent: t('file.none') });
  const pick = el('button', { type: 'button', className: 'file-button', textContent: t(labelKey), onclick: () => file.click() });
  file.addEventListener('change', () => {
    name.textContent = file.files.length ? [...file.files].map((f) => f.name).join(t('file.sep')) : t('file.none');
  });
  return el('span', { className: 'file-picker' }, file, pick, name);
}

export function input(name, value = '', props = {}) {
  return el('input', { name, value: value ?? '', ...props });
}

export function select(name, options, value) {
  const s = el('select', { name });
  for (const [v, label] of options) s.append(el('option', { value: v, textContent: label, selected: v === value }));
  return s;
}

export function statusBadge(status) {
  return el('span', { className: 'status status-' + status, textContent: t('status.' + status) });
}

export function table(headKeys, rows, emptyKey) {
  const tbody = el('tbody');
  for (const r of rows) tbody.append(r);
  if (!rows.length) tbody.append(el('tr', {}, el('td', { colSpan: headKeys.length, className: 'muted', textContent: t(emptyKey) })));
  return el('table', {}, el('thead', {}, el('tr', {}, ...headKeys.map((k) => el('th', { textContent: t(k) })))), tbody);
}

export function td(text, className = '') { return el('td', { textContent: text ?? '', className }); }

export function section(titleKey, ...children) {
  return el('section', {}, el('h2', { textContent: typeof titleKey === 'string' ? t(titleKey) : titleKey.text }), ...children);
}
