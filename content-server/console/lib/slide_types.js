// The slide types as the server describes them (GET /api/v1/slide-types,
// defined once in protocol/): their names, labels, fields, kinds and limits.
// Fetched once per sign-in; the pages read them synchronously after that.
import { currentLang } from '../i18n.js';
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
