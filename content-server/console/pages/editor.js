// Editor: a slide's common and type-specific fields, saved (and submitted),
// beside the live preview drawn by the screen's own engine.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { honorEntriesFromCsv } from '../lib/csv.js';
import { button, el, field, input, say, section, select, statusBadge } from '../lib/dom.js';
import { previewPane } from '../lib/preview.js';
import { navigate } from '../lib/router.js';
import { mediaPicker } from '../lib/upload.js';
import { saySubmitted, SLIDE_TYPES } from '../lib/workflow.js';

// Asks for a preview of the form as it is now; editorPage sets it.
let updatePreview = () => {};

function honorRow(e = {}) {
  const tr = el('tr', { className: 'entry' });
  const cells = ['name', 'category', 'level', 'unit', 'period'].map((k) => el('td', {}, input(k, e[k], { ariaLabel: t('ed.e.' + k) })));
  tr.append(...cells.slice(0, 1), el('td', {}, mediaPicker('photo', e.photo)), ...cells.slice(1),
    el('td', {}, el('textarea', { name: 'deed', value: e.deed || '', rows: 2, ariaLabel: t('ed.e.deed') })),
    el('td', {}, button(t('remove'), async () => tr.remove())));
  return tr;
}

function listRow(e = {}) {
  const tr = el('tr', { className: 'entry' });
  tr.append(el('td', {}, input('name', e.name, { ariaLabel: t('ed.l.name') })),
    el('td', {}, select('kind', ['person', 'household', 'firm'].map((k) => [k, t('kind.' + k)]), e.kind || 'person')),
    el('td', {}, input('plate', e.plate, { ariaLabel: t('ed.l.plate') })),
    el('td', {}, input('reason', e.reason, { ariaLabel: t('ed.l.reason') })),
    el('td', {}, input('decided_by', e.decided_by, { ariaLabel: t('ed.l.decided_by') })),
    el('td', {}, input('valid_from', e.valid_from, { type: 'hidden' }), input('valid_until', e.valid_until, { type: 'date', ariaLabel: t('ed.l.valid_until') })),
    el('td', {}, button(t('remove'), async () => tr.remove())));
  return tr;
}

function entriesTable(kind, heads, entries, makeRow) {
  const tbody = el('tbody', { dataset: { list: kind } }, ...entries.map(makeRow));
  return el('div', { className: 'entries' },
    el('table', {}, el('thead', {}, el('tr', {}, ...heads.map((k) => el('th', { textContent: t(k) })), el('th'))), tbody),
    button(t('add_row'), async () => tbody.append(makeRow())));
}

function readRows(form, kind) {
  const out = [];
  for (const tr of form.querySelectorAll(`tbody[data-list="${kind}"] tr.entry`)) {
    const e = {};
    for (const inp of tr.querySelectorAll('input, select, textarea')) {
      const v = inp.value.trim();
      if (v && inp.type !== 'file') e[inp.name] = v;
    }
    if (kind !== 'honor' && e.kind === 'person') delete e.kind;
    if (Object.keys(e).length) out.push(e);
  }
  return out;
}

function honorCsvImport() {
  const file = el('input', { type: 'file', accept: '.csv,text/csv', className: 'file', id: 'honor-csv' });
  file.onchange = async () => {
    if (!file.files[0]) return;
    try {
      const entries = honorEntriesFromCsv(await file.files[0].text());
      const tbody = file.closest('fieldset').querySelector('tbody[data-list="honor"]');
      tbody.replaceChildren(...entries.map(honorRow));
      say(t('csv.honor_loaded', entries.length));
      updatePreview();
    } catch (e) {
      say(e.message, true);
    } finally {
      file.value = '';
    }
  };
  return el('div', { className: 'label' }, el('span', { textContent: t('csv.honor_import') }), file,
    el('small', { className: 'muted', textContent: t('csv.honor_hint') }));
}

function specificFields(type, s) {
  const f = [];
  if (type === 'text') f.push(field('ed.body', el('textarea', { name: 'body', rows: 8, maxLength: 4000, value: s.body || '' })));
  if (type === 'notice') f.push(field('ed.notice_body', input('body', s.body, { maxLength: 200 })));
  if (type === 'emergency') {
    f.push(el('p', { className: 'hint', textContent: t('ed.emergency_hint') }));
    f.push(field('ed.emergency_body', el('textarea', { name: 'body', rows: 5, maxLength: 4000, value: s.body || '' })));
  }
  if (type === 'core_values') f.push(el('p', { className: 'hint', textContent: t('ed.core_values_hint') }));
  if (type === 'image') {
    f.push(el('div', { className: 'label' }, el('span', { textContent: t('ed.media') }), mediaPicker('media', s.media, () => updatePreview())));
    f.push(field('ed.fit', select('fit', [['contain', t('fit.contain')], ['cover', t('fit.cover')]], s.fit || 'contain')));
    f.push(field('ed.caption', input('caption', s.caption, { maxLength: 200 })));
  }
  if (type === 'honor_roll') {
    f.push(el('h3', { textContent: t('ed.entries') }), honorCsvImport(),
      entriesTable('honor', ['ed.e.name', 'ed.e.photo', 'ed.e.category', 'ed.e.level', 'ed.e.unit', 'ed.e.period', 'ed.e.deed'],
        s.entries && s.entries.length ? s.entries : [{}], honorRow));
  }
  if (type === 'red_black') {
    const heads = ['ed.l.name', 'ed.l.kind', 'ed.l.plate', 'ed.l.reason', 'ed.l.decided_by', 'ed.l.valid_until'];
    f.push(el('h3', { textContent: t('ed.red') }), entriesTable('red', heads, s.red || [{}], listRow),
      el('h3', { textContent: t('ed.black') }), entriesTable('black', heads, s.black || [], listRow),
      el('label', { className: 'inline' }, el('input', { type: 'checkbox', name: 'mask_names', checked: s.mask_names !== false }), ' ', t('ed.mask_names')));
  }
  return f;
}

// Reads the editor form into slide JSON, leaving out empty optional fields.
function readSlide(form) {
  // The slide's own fields, not the entry rows' fields of the same name (category, valid_until).
  const one = (n) => [...form.querySelectorAll(`[name="${n}"]`)].find((x) => !x.closest('tr.entry'));
  const v = (n) => (one(n) ? one(n).value.trim() : '');
  const checked = (n) => !!(one(n) && one(n).checked);
  const type = v('type');
  const s = { type };
  if (v('title')) s.title = v('title');
  if (v('duration_s')) s.duration_s = Number(v('duration_s'));
  if (v('category')) s.category = v('category');
  s.public_service = checked('public_service');
  if (v('valid_from')) s.valid_from = v('valid_from');
  if (v('valid_until')) s.valid_until = v('valid_until');
  if (v('priority')) s.priority = Number(v('priority'));
  const groups = [...form.querySelectorAll('input[name=groups]:checked')].map((c) => c.value);
  if (groups.length) s.groups = groups;
  if (['text', 'notice', 'emergency'].includes(type)) s.body = one('body') ? one('body').value : '';
  if (type === 'image') {
    if (v('media')) s.media = v('media');
    s.fit = v('fit');
    if (v('caption')) s.caption = v('caption');
  }
  if (type === 'honor_roll') s.entries = readRows(form, 'honor');
  if (type === 'red_black') {
    s.red = readRows(form, 'red');
    s.black = readRows(form, 'black');
    s.mask_names = checked('mask_names');
  }
  return s;
}

export async function editorPage(page, params, id) {
  const [{ groups }, existing] = await Promise.all([api('GET', '/groups'), id ? api('GET', '/slides/' + id) : Promise.resolve(null)]);
  const s = existing || { type: params.get('type') || 'text', duration_s: 10, public_service: true };
  const form = el('form', { id: 'slide-form', className: 'editor', noValidate: true });
  const typeSel = select('type', SLIDE_TYPES.map((k) => [k, t('type.' + k)]), s.type);
  if (existing) typeSel.disabled = true;
  const specific = el('fieldset', { className: 'specific' });
  const groupBoxes = el('div', { className: 'checks' }, ...groups.map((g) => el('label', { className: 'inline' },
    el('input', { type: 'checkbox', name: 'groups', value: g.name, checked: (s.groups || []).includes(g.name) }), ' ', g.name)));
  form.append(
    el('fieldset', {}, el('legend', { textContent: t('ed.common') }),
      el('div', { className: 'grid' },
        field('ed.type', typeSel),
        field('ed.title', input('title', s.title, { maxLength: 120 })),
        field('ed.duration', input('duration_s', s.duration_s ?? 10, { type: 'number', min: 1, max: 3600 })),
        field('ed.category', input('category', s.category, { maxLength: 40 })),
        field('ed.valid_from', input('valid_from', s.valid_from, { placeholder: '2026-11-01' })),
        field('ed.valid_until', input('valid_until', s.valid_until, { placeholder: '2026-12-31' })),
        field('ed.priority', input('priority', s.priority ?? 0, { type: 'number', min: 0, max: 100 }))),
      el('label', { className: 'inline' }, el('input', { type: 'checkbox', name: 'public_service', checked: !!s.public_service }), ' ', t('ed.public_service')),
      el('div', { className: 'label' }, el('span', { textContent: t('ed.groups') }), groupBoxes)),
    specific);
  const fill = (type) => specific.replaceChildren(el('legend', { textContent: t('ed.specific') + ' · ' + t('type.' + type) }), ...specificFields(type, s.type === type ? s : {}));
  fill(s.type);
  typeSel.onchange = () => { fill(typeSel.value); updatePreview(); };
  // Fields the form does not show (QR code, schedule, background) are kept as they are.
  const keep = {};
  for (const k of ['qr', 'schedule', 'background']) if (existing && existing[k] !== undefined) keep[k] = existing[k];
  const save = async (andSubmit) => {
    const body = { ...readSlide(form), ...keep };
    const saved = existing ? await api('PUT', '/slides/' + existing.id, body) : await api('POST', '/slides', body);
    if (andSubmit) saySubmitted(t('ed.saved_submitted', saved.title || saved.id), await api('POST', `/slides/${saved.id}/submit`));
    else say(t('ed.saved', saved.title || saved.id));
    navigate(andSubmit ? '#content' : '#editor/' + saved.id);
  };
  form.append(el('div', { className: 'bar' },
    button(t('ed.save'), () => save(false), 'primary'), button(t('ed.save_submit'), () => save(true))));
  const preview = el('div', { className: 'preview', id: 'preview' });
  const askPreview = previewPane(preview);
  updatePreview = () => askPreview({ ...readSlide(form), ...keep });
  form.addEventListener('input', () => updatePreview());
  form.addEventListener('change', () => updatePreview());
  updatePreview();
  page.append(el('div', { className: 'two-col' },
    section({ text: existing ? t('ed.edit', existing.id) : t('ed.new') }, existing ? el('p', {}, statusBadge(existing.status)) : null, form),
    section('ed.preview', preview)));
}
