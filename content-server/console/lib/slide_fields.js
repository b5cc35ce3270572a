// The editors of slide fields, built from their descriptors (lib/slide_types.js)
// by kind, and the reader that turns them back into slide JSON. Special
// widgets are chosen by kind (media, video: the picker; entries: a card per entry);
// a type's entries field may add tools above its list (ENTRY_TOOLS).
import { t } from '../i18n.js';
import { honorEntriesFromCsv } from './csv.js';
import { button, el, field, filePicker, input, say, select } from './dom.js';
import { label } from './slide_types.js';
import { mediaPicker } from './upload.js';

// Entries lists by "type.field": their data-list name and the tools shown
// above them. Others are named after their field.
const ENTRY_TOOLS = {
  'honor_roll.entries': { list: 'honor', tools: csvImport },
};

function listName(type, f) {
  const tools = ENTRY_TOOLS[type + '.' + f.name];
  return tools ? tools.list : f.name;
}

const limit = (f) => (f.max_chars ? { maxLength: f.max_chars } : {});

// The control of one field (not entries) holding `value`; `inRow`: a field
// of an entry (compact).
function control(f, value, inRow, onChange) {
  switch (f.kind) {
    case 'multiline_text':
      return el('textarea', { name: f.name, rows: inRow ? 3 : 8, value: value ?? '', ...limit(f) });
    case 'integer':
      return input(f.name, value ?? f.default, { type: 'number', min: f.min, max: f.max });
    case 'boolean':
      return el('input', { type: 'checkbox', name: f.name, checked: value ?? f.default ?? false });
    case 'choice':
      // A required choice with no default is a row of radio buttons, none
      // chosen until the editor chooses.
      if (f.required && !f.default && !inRow) {
        return el('span', { className: 'radios', role: 'radiogroup', ariaLabel: label(f.label), dataset: { field: f.name } },
          ...f.choices.map((c) => el('label', { className: 'inline' },
            el('input', { type: 'radio', name: f.name, value: c.value, checked: value === c.value }), ' ', label(c.label))));
      }
      return select(f.name, f.choices.map((c) => [c.value, label(c.label)]), value || f.default);
    case 'media':
      return mediaPicker(f.name, value, onChange);
    case 'video':
      return mediaPicker(f.name, value, onChange, 'video');
    case 'date':
      return inRow ? input(f.name, value, { type: f.advanced ? 'hidden' : 'date' })
        // A date picker; a value with a time of day (set through the API)
        // stays as text, which a date picker would lose.
        : input(f.name, value, value && value.includes('T') ? { placeholder: 'YYYY-MM-DD' } : { type: 'date' });
    default:
      return input(f.name, value, limit(f));
  }
}

// A field with its label, as a form shows it.
export function fieldEditor(f, value, onChange) {
  const c = control(f, value, false, onChange);
  if (c.classList.contains('radios')) return el('div', { className: 'label choice-row' }, el('span', { textContent: label(f.label) }), c);
  if (f.kind === 'boolean') return el('label', { className: 'inline' }, c, ' ', label(f.label));
  if (f.kind === 'media' || f.kind === 'video') return el('div', { className: 'label' }, el('span', { textContent: label(f.label) }), c);
  return field({ text: label(f.label) }, c);
}

// One entry: a card of labelled fields that wraps to the form's width (long
// text and the photo follow, a whole line each), with buttons to move it up or down
// and to remove it; advanced fields ride hidden.
function entryRow(f, e = {}) {
  const box = el('div', { className: 'entry', role: 'group' });
  const fields = el('div', { className: 'entry-fields' });
  const wide = [];
  for (const ef of f.entry_fields) {
    const c = control(ef, e[ef.name], true);
    if (ef.advanced) { fields.append(c); continue; }
    const text = el('span', { textContent: label(ef.label) });
    if (ef.kind === 'media') wide.push(el('div', { className: 'label wide' }, text, c));
    else if (ef.kind === 'multiline_text') wide.push(el('label', { className: 'wide' }, text, c));
    else fields.append(el('label', {}, text, c));
  }
  fields.append(...wide);
  const move = (up) => async () => {
    const to = up ? box.previousElementSibling : box.nextElementSibling;
    if (!to) return;
    box.parentNode.insertBefore(box, up ? to : to.nextElementSibling);
    box.querySelector('input, textarea, select')?.focus();
  };
  box.append(fields, el('div', { className: 'entry-actions' },
    button(t('entry.up'), move(true)), button(t('entry.down'), move(false)),
    button(t('remove'), async () => box.remove())));
  return box;
}

// An entries field: its heading, tools, and a card per entry.
function entriesEditor(type, f, value, first, onChange) {
  const rows = value && value.length ? value : first ? [{}] : [];
  const makeRow = (e) => entryRow(f, e);
  const list = el('div', { className: 'entry-list', dataset: { list: listName(type, f) } }, ...rows.map(makeRow));
  const tools = ENTRY_TOOLS[type + '.' + f.name];
  return [el('h3', { textContent: label(f.label) }), tools ? tools.tools(list, makeRow, onChange) : null,
    el('div', { className: 'entries' }, list,
      button(t('add_row'), async () => list.append(makeRow())))].filter(Boolean);
}

// The editors of a type's own fields for slide `s`: its hint, then each field.
export function typeEditors(type, s, onChange) {
  const out = [];
  if (type.hint) out.push(el('p', { className: 'hint', textContent: label(type.hint) }));
  let first = true;
  for (const f of type.fields) {
    if (f.kind === 'entries') {
      out.push(...entriesEditor(type.name, f, s[f.name], first, onChange));
      first = false;
    } else {
      out.push(fieldEditor(f, s[f.name], f.kind === 'media' || f.kind === 'video' ? onChange : undefined));
    }
  }
  return out;
}

function readRows(form, list, f) {
  const out = [];
  for (const tr of form.querySelectorAll(`[data-list="${list}"] .entry`)) {
    const e = {};
    for (const inp of tr.querySelectorAll('input, select, textarea')) {
      const v = inp.value.trim();
      if (v && inp.type !== 'file') e[inp.name] = v;
    }
    // A choice left at its default is left out.
    for (const ef of f.entry_fields) if (ef.kind === 'choice' && e[ef.name] === ef.default) delete e[ef.name];
    if (Object.keys(e).length) out.push(e);
  }
  return out;
}

// Reads `fields` from the form into slide JSON `s` (of type `type`), leaving
// out empty optional ones. A field of the slide itself, not an entry row's
// field of the same name (category, valid_until).
export function readFields(form, type, fields, s) {
  const one = (n) => [...form.querySelectorAll(`[name="${n}"]`)].find((x) => !x.closest('.entry'));
  for (const f of fields) {
    const radios = [...form.querySelectorAll(`input[type=radio][name="${f.name}"]`)];
    const node = radios.length ? radios.find((r) => r.checked) : one(f.name);
    const v = node ? node.value.trim() : '';
    if (f.kind === 'boolean') s[f.name] = !!(node && node.checked);
    else if (f.kind === 'multiline_text') s[f.name] = node ? node.value : '';
    else if (f.kind === 'entries') s[f.name] = readRows(form, listName(type, f), f);
    else if (f.kind === 'choice') { if (v || !radios.length) s[f.name] = v; }
    else if (f.kind === 'integer') { if (v) s[f.name] = Number(v); } else if (v) s[f.name] = v;
  }
  return s;
}

// The first required field of `fields` the slide `s` lacks (a required
// choice the editor has not made), or null.
export function missingRequired(fields, s) {
  return fields.find((f) => f.required && f.kind === 'choice' && !s[f.name]) || null;
}

// The honour roll's list from a CSV file (replaces the table's rows).
function csvImport(list, makeRow, onChange) {
  const file = el('input', { type: 'file', accept: '.csv,text/csv', className: 'file', id: 'honor-csv' });
  file.onchange = async () => {
    if (!file.files[0]) return;
    try {
      const entries = honorEntriesFromCsv(await file.files[0].text());
      list.replaceChildren(...entries.map(makeRow));
      say(t('csv.honor_loaded', entries.length));
      if (onChange) onChange();
    } catch (e) {
      say(e.message, true);
    } finally {
      file.value = '';
    }
  };
  return el('div', { className: 'label' }, el('span', { textContent: t('csv.honor_import') }), filePicker(file, 'file.choose_csv'),
    el('small', { className: 'muted', textContent: t('csv.honor_hint') }));
}

// The control holding the field at `path` of a slide of type `type`, as the
// server names it ("duration_s", "entries[2].deed", "qr.text",
// "schedule.dayparts[0].from"), or null.
export function controlForPath(form, type, path) {
  const own = (sel) => [...form.querySelectorAll(sel)].find((x) => !x.closest('.entry') && !x.closest('.when-look'));
  const when = (sel) => form.querySelector('.when-look ' + sel);
  let m = /^(\w+)\[(\d+)\]\.(\w+)/.exec(path || '');
  if (m && m[1] === 'schedule') m = null;
  if (m) {
    const list = form.querySelector(`[data-list="${listName(type, { name: m[1] })}"]`);
    const entry = list && list.querySelectorAll(':scope > .entry')[Number(m[2])];
    return entry ? entry.querySelector(`[name="${m[3]}"]`) : null;
  }
  const part = /^schedule\.dayparts\[(\d+)\]\.(from|to)$/.exec(path || '');
  if (part) {
    const row = form.querySelectorAll('.when-look .daypart')[Number(part[1])];
    return row ? row.querySelector(`[name=daypart_${part[2]}]`) : null;
  }
  if (/^schedule\.weekdays/.test(path)) return when('input[name=weekday]');
  if (/^qr\.label/.test(path)) return when('[name=qr_label]');
  if (/^qr/.test(path)) return when('[name=qr_text]');
  if (/^background\.media/.test(path)) return when('.media-picker .file-button');
  if (/^background/.test(path)) return when('[name=bg_color]');
  return own(`[name="${(path || '').split(/[.[]/)[0]}"]`) || null;
}

