// Editor: a slide's common and type-specific fields, saved (and submitted),
// beside the live preview drawn by the screen's own engine. The fields, their
// kinds, limits and labels come from the slide type descriptors.
import { t } from '../i18n.js';
import { api, ApiError } from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { button, el, field, say, section, select, statusBadge } from '../lib/dom.js';
import { previewPane } from '../lib/preview.js';
import { navigate } from '../lib/router.js';
import { controlForPath, fieldEditor, missingRequired, readFields, typeEditors } from '../lib/slide_fields.js';
import { commonFields, label, slideType, slideTypes, typeLabel } from '../lib/slide_types.js';
import { readWhenLook, whenLookEditor } from '../lib/when_look.js';
import { saySubmitted } from '../lib/workflow.js';

// The image size that fits the main zone best on the screens the slide
// targets (every group when none is ticked), from the screen sizes the server
// knows; while it knows none, the layout's at 1920×1080 and 1080×1920.
function bestSize(form, groups, defaults) {
  const chosen = [...form.querySelectorAll('input[name=groups]:checked')].map((c) => c.value);
  const targeted = chosen.length ? groups.filter((g) => chosen.includes(g.name)) : groups;
  const known = targeted.flatMap((g) => g.screen_sizes || []);
  const zones = new Map();
  for (const s of known.length ? known : defaults) {
    const z = `${s.main_zone.width}×${s.main_zone.height}`;
    zones.set(z, t(s.width >= s.height ? 'ed.size_landscape' : 'ed.size_portrait', z));
  }
  return { text: t('ed.best_size', [...zones.values()].join(t('ed.best_size_sep'))), note: t(known.length ? 'ed.best_size_screens' : 'ed.best_size_default') };
}

// Asks for a preview of the form as it is now; editorPage sets it.
let updatePreview = () => {};

// Reads the editor form into slide JSON, leaving out empty optional fields.
function readSlide(form) {
  const type = form.querySelector('[name="type"]').value;
  const s = readFields(form, type, commonFields(), { type });
  const groups = [...form.querySelectorAll('input[name=groups]:checked')].map((c) => c.value);
  if (groups.length) s.groups = groups;
  const spec = slideType(type);
  return { ...(spec ? readFields(form, type, spec.fields, s) : s), ...readWhenLook(form) };
}

export async function editorPage(page, params, id) {
  const [{ groups, default_screen_sizes: defaultSizes = [] }, existing] = await Promise.all([api('GET', '/groups'), id ? api('GET', '/slides/' + id) : Promise.resolve(null)]);
  // A new slide has no purpose until its editor chooses one; older content
  // said only whether it was public service.
  const s = existing ? { purpose: existing.public_service ? 'public_service' : 'other', ...existing }
    : { type: params.get('type') || 'text' };
  const form = el('form', { id: 'slide-form', className: 'editor', noValidate: true });
  const typeSel = select('type', slideTypes().map((x) => [x.name, label(x.label)]), s.type);
  if (existing) typeSel.disabled = true;
  const specific = el('fieldset', { className: 'specific' });
  const groupBoxes = el('div', { className: 'checks' }, ...groups.map((g) => el('label', { className: 'inline' },
    el('input', { type: 'checkbox', name: 'groups', value: g.name, checked: (s.groups || []).includes(g.name) }), ' ', g.name)));
  const common = commonFields();
  form.append(
    el('fieldset', {}, el('legend', { textContent: t('ed.common') }),
      el('div', { className: 'grid' }, field('ed.type', typeSel),
        ...common.filter((f) => f.kind !== 'boolean' && f.name !== 'purpose').map((f) => fieldEditor(f, s[f.name]))),
      ...common.filter((f) => f.kind === 'boolean' || f.name === 'purpose').map((f) => fieldEditor(f, s[f.name])),
      el('div', { className: 'label' }, el('span', { textContent: t('ed.groups') }), groupBoxes)),
    specific, whenLookEditor(s, () => updatePreview()));
  const fill = (type) => {
    const spec = slideType(type);
    specific.replaceChildren(el('legend', { textContent: t('ed.specific') + ' · ' + typeLabel(type) }),
      ...(spec ? typeEditors(spec, s.type === type ? s : {}, () => updatePreview()) : []));
  };
  // Under each image field of the slide (not the entries' photos): the size that fits.
  const showBestSize = () => {
    const { text, note } = bestSize(form, groups, defaultSizes);
    for (const picker of specific.querySelectorAll(':scope > .label > .media-picker')) {
      let hint = picker.parentElement.querySelector(':scope > .best-size');
      if (!hint) picker.after(hint = el('p', { className: 'best-size' }, el('strong'), ' ', el('small', { className: 'muted' })));
      hint.firstChild.textContent = text;
      hint.lastChild.textContent = note;
    }
  };
  // A film that plays to its end sets the slide's length (the server rounds
  // the film up to whole seconds): the field shows it and cannot be changed.
  const followFilm = () => {
    const duration = form.querySelector('input[name=duration_s]');
    if (!duration) return;
    const play = form.querySelector('[name=play]');
    const toEnd = typeSel.value === 'video' && (!play || play.value === 'to_end');
    duration.readOnly = toEnd;
    duration.classList.toggle('from-film', toEnd);
    const ms = Number(form.querySelector('input[name=media]')?.dataset.durationMs || 0);
    if (toEnd && ms > 0) duration.value = Math.ceil(ms / 1000);
    let note = duration.parentElement.querySelector(':scope > .film-length-note');
    if (!note) duration.after(note = el('small', { className: 'muted film-length-note' }));
    note.textContent = toEnd ? t('ed.duration_from_film') : '';
  };
  fill(s.type);
  showBestSize();
  followFilm();
  typeSel.onchange = () => { fill(typeSel.value); showBestSize(); followFilm(); updatePreview(); };
  groupBoxes.addEventListener('change', showBestSize);
  const save = async (andSubmit) => {
    const body = readSlide(form);
    delete body.public_service;  // follows the purpose
    const missing = missingRequired(common, body);
    if (missing) {
      const group = form.querySelector(`[data-field="${missing.name}"]`);
      if (group) { group.classList.add('invalid'); group.querySelector('input').focus(); }
      throw new Error(t('ed.choose', label(missing.label)));
    }
    let saved;
    try {
      saved = existing ? await api('PUT', '/slides/' + existing.id, body) : await api('POST', '/slides', body);
    } catch (e) {
      // The field at fault is marked and focused, and named by its label.
      if (!(e instanceof ApiError)) throw e;
      const path = e.error.field;
      const control = path && controlForPath(form, body.type, path);
      if (control) {
        control.classList.add('invalid');
        control.focus();
      }
      throw new Error(errorText(e.status, e.error, body.type));
    }
    if (andSubmit) saySubmitted(t('ed.saved_submitted', saved.title || saved.id), await api('POST', `/slides/${saved.id}/submit`));
    else say(t('ed.saved', saved.title || saved.id));
    navigate(andSubmit ? '#content' : '#editor/' + saved.id);
  };
  form.append(el('div', { className: 'bar' },
    button(t('ed.save'), () => save(false), 'primary'), button(t('ed.save_submit'), () => save(true))));
  const preview = el('div', { className: 'preview', id: 'preview' });
  const askPreview = previewPane(preview);
  updatePreview = () => { followFilm(); askPreview(readSlide(form)); };
  form.addEventListener('input', (e) => { e.target.classList.remove('invalid'); updatePreview(); });
  form.addEventListener('change', (e) => {
    const group = e.target.closest('.radios.invalid');
    if (group) group.classList.remove('invalid');
    updatePreview();
  });
  updatePreview();
  page.append(el('div', { className: 'two-col' },
    section({ text: existing ? t('ed.edit', existing.id) : t('ed.new') }, existing ? el('p', {}, statusBadge(existing.status)) : null, form),
    section('ed.preview', preview)));
}
