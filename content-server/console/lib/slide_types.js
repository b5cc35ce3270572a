// The slide types as the server describes them (GET /api/v1/slide-types,
// defined once in protocol/): their names, labels, fields, kinds and limits.
// Fetched once per sign-in; the pages read them synchronously after that.
import { currentLang, has, t } from '../i18n.js';
import { api } from './api.js';
import { session } from './session.js';

let loaded = null; // { token, types, common }
let loading = null; // { token, promise }

// Fetches the descriptors for the signed-in session (once).
export function loadSlideTypes() {
  const s = session();
  if (!s || (loaded && loaded.token === s.token)) return Promise.resolve();
  if (!loading || loading.token !== s.token) {
    const token = s.token;
    const promise = api('GET', '/slide-types').then((r) => {
      loaded = { token, types: r.types, common: r.common_fields };
    }).finally(() => { if (loading && loading.promise === promise) loading = null; });
    loading = { token, promise };
  }
  return loading.promise;
}

// Every type, in the protocol's order.
export function slideTypes() {
  return loaded ? loaded.types : [];
}

export function slideType(name) {
  return slideTypes().find((x) => x.name === name);
}

// The fields every slide has (title, duration_s, …).
export function commonFields() {
  return loaded ? loaded.common : [];
}

// A descriptor's label ({ 'zh-CN', en }) in the console's language.
export function label(l) {
  if (!l) return '';
  return (currentLang() === 'en' ? l.en : l['zh-CN']) || l['zh-CN'] || '';
}

// A type's name for people.
export function typeLabel(name) {
  const type = slideType(name);
  return type ? label(type.label) : name;
}

// A field of slide type `type` (its own or a common one), or undefined.
export function findField(type, name) {
  const spec = slideType(type);
  return [...(spec ? spec.fields : []), ...commonFields()].find((x) => x.name === name);
}

// A field's path as people read it: "entries[2].deed" of an honour roll is
// "光荣榜人员 · 第 3 项 · 事迹"; an unknown path stays as it is.
export function fieldPathLabel(type, path) {
  const m = /^(\w+)(?:\[(\d+)\](?:\.(\w+))?)?$/.exec(path || '');
  if (!m) return path;
  const f = findField(type, m[1]);
  if (!f) return m[1] === 'groups' ? t('ed.groups') : path;
  if (m[2] === undefined) return label(f.label);
  const ef = m[3] && (f.entry_fields || []).find((x) => x.name === m[3]);
  return ef ? t('field.entry', label(f.label), Number(m[2]) + 1, label(ef.label)) : t('field.item', label(f.label), Number(m[2]) + 1);
}

// A warning of the server's checks or previews ({field, code, chars,
// message}) in the console's language, its field by its label.
export function warningText(w, type) {
  const text = w.code && has('warn.' + w.code) ? t('warn.' + w.code, w.chars || '') : w.message;
  return w.field ? t('warn.field', fieldPathLabel(type, w.field), text) : text;
}

