// When a slide plays and how it looks beyond its type's own fields: the
// editor's 播放时段与外观 fieldset (weekdays, dayparts, QR code, background)
// and its reader. Empty means "always" / "none" / the type's designed look,
// and is left out of the slide.
import { t } from '../i18n.js';
import { button, el, field, input } from './dom.js';
import { mediaPicker } from './upload.js';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7]; // ISO: 1 = Monday

// A time input holds 00:00–23:59; a window's end of 24:00 is midnight.
const timeValue = (hhmm) => (hhmm === '24:00' ? '00:00' : hhmm || '');

function daypartRow(d, onChange) {
  const row = el('div', { className: 'daypart' },
    el('label', { className: 'inline' }, t('when.from'), ' ', input('daypart_from', timeValue(d.from), { type: 'time', required: true })),
    el('label', { className: 'inline' }, t('when.to'), ' ', input('daypart_to', timeValue(d.to), { type: 'time', required: true })));
  row.append(button(t('remove'), async () => { row.remove(); onChange(); }));
  return row;
}

export function whenLookEditor(s, onChange) {
  const schedule = s.schedule || {};
  const days = el('div', { className: 'checks', role: 'group', ariaLabel: t('when.weekdays') }, ...WEEKDAYS.map((d) => el('label', { className: 'inline' },
    el('input', { type: 'checkbox', name: 'weekday', value: String(d), checked: (schedule.weekdays || []).includes(d) }), ' ', t('when.day' + d))));
  const parts = el('div', { className: 'dayparts' }, ...(schedule.dayparts || []).map((d) => daypartRow(d, onChange)));
  const qr = s.qr || {};
  const bg = typeof s.background === 'string' ? { color: s.background } : (s.background || {});
  const color = input('bg_color', bg.color || '#c8102e', { type: 'color', ariaLabel: t('when.bg_color') });
  return el('fieldset', { className: 'when-look' }, el('legend', { textContent: t('when.legend') }),
    el('div', { className: 'label' }, el('span', { textContent: t('when.weekdays') }), days,
      el('small', { className: 'muted', textContent: t('when.weekdays_hint') })),
    el('div', { className: 'label' }, el('span', { textContent: t('when.dayparts') }), parts,
      button(t('when.add_daypart'), async () => { parts.append(daypartRow({ from: '08:00', to: '18:00' }, onChange)); onChange(); }),
      el('small', { className: 'muted', textContent: t('when.dayparts_hint') })),
    el('div', { className: 'grid' },
      field({ text: t('when.qr_text') }, input('qr_text', qr.text, { maxLength: 500, placeholder: 'https://…' })),
      field({ text: t('when.qr_label') }, input('qr_label', qr.label, { maxLength: 40 }))),
    el('div', { className: 'label' }, el('span', { textContent: t('when.background') }),
      el('span', { className: 'bg-color' }, el('label', { className: 'inline' },
        el('input', { type: 'checkbox', name: 'bg_use_color', checked: !!bg.color }), ' ', t('when.bg_use_color')), ' ', color),
      el('small', { className: 'muted', textContent: t('when.background_hint') })),
    el('div', { className: 'label' }, el('span', { textContent: t('when.bg_image') }), mediaPicker('bg_media', bg.media || '', onChange)));
}

// The schedule, QR code and background as the form holds them (only those set).
export function readWhenLook(form) {
  const out = {};
  const weekdays = [...form.querySelectorAll('input[name=weekday]:checked')].map((c) => Number(c.value));
  const dayparts = [...form.querySelectorAll('.when-look .daypart')].map((r) => ({
    from: r.querySelector('[name=daypart_from]').value, to: r.querySelector('[name=daypart_to]').value,
  }));
  if (weekdays.length || dayparts.length) {
    out.schedule = {};
    if (weekdays.length) out.schedule.weekdays = weekdays;
    if (dayparts.length) out.schedule.dayparts = dayparts;
  }
  const qrText = form.querySelector('.when-look [name=qr_text]').value.trim();
  const qrLabel = form.querySelector('.when-look [name=qr_label]').value.trim();
  if (qrText || qrLabel) out.qr = qrLabel ? { text: qrText, label: qrLabel } : { text: qrText };
  const media = form.querySelector('.when-look [name=bg_media]').value;
  const useColor = form.querySelector('.when-look [name=bg_use_color]').checked;
  const color = form.querySelector('.when-look [name=bg_color]').value;
  if (media) out.background = useColor ? { media, color } : { media };
  else if (useColor) out.background = color;
  return out;
}
