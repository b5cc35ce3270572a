// Images into the media library: an upload with a progress bar, and the
// editor's picker (upload one, or choose one already in the library).
import { t } from '../i18n.js';
import { api, ApiError } from './api.js';
import { button, el, filePicker, input, say } from './dom.js';
import { fmtBytes, fmtTime } from './format.js';
import { authHeaders, can } from './session.js';
import { withUnit } from './units.js';

// Uploads a file to PUT /api/v1/media with a progress bar; resolves to the media JSON.
export function upload(file, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', '/api/v1' + withUnit('PUT', '/media'));
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    // The library keeps the file's name (percent-encoded: a header holds ASCII only).
    if (file.name) xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
    progress.hidden = false;
    progress.value = 0;
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) progress.value = Math.round((100 * ev.loaded) / ev.total); };
    // A failed upload leaves no half-full bar behind; one too large says its size.
    const failed = (e) => { progress.value = 0; progress.hidden = true; reject(e); };
    xhr.onload = () => {
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) { progress.value = 100; resolve(data); return; }
      if (xhr.status === 413) { failed(new Error(t('upload.too_large', file.name || '', fmtBytes(file.size)))); return; }
      failed(new ApiError(xhr.status, data.error, 'PUT /api/v1/media'));
    };
    xhr.onerror = () => failed(new Error(t('err.network')));
    xhr.send(file);
  });
}

// What the library shows of a medium: films by their poster frame.
export function thumbSrc(m) {
  return m.video ? `/media/${m.sha256}/poster.png` : '/media/' + m.sha256;
}

// A film's facts in words: "20 秒 · 1920×1080 · h264".
export function filmFacts(m) {
  const v = m.video || {};
  return t('film.facts', Math.round((v.duration_ms || 0) / 100) / 10, v.width, v.height, v.codec || '?');
}

// Whether a film is still being converted for some group's screens.
export function converting(m) {
  return (m.renditions || []).some((r) => r.status === 'queued' || r.status === 'converting');
}

// A film's conversion for the screens, as the library reports it: "转换中 45%"
// with a bar while it runs, why when it failed and when the server tries
// again; empty when there is nothing to say (it plays everywhere as it is,
// or its renditions are done). With `retried`, an editor gets a button that
// asks for the failed conversion again now; `retried` gets the server's
// answer (the film, converting again).
export function conversionState(m, retried) {
  const box = el('div', { className: 'conversion' });
  const rs = m.renditions || [];
  const failed = rs.find((r) => r.status === 'failed');
  if (failed) {
    box.dataset.conversion = 'failed';
    box.append(el('small', { textContent: t('film.convert_failed', failed.error) }));
    if (failed.retry_at) box.append(' ', el('small', { className: 'muted', textContent: t('film.retry_at', fmtTime(failed.retry_at)) }));
    if (retried && can('editor')) {
      box.append(' ', button(t('film.retry'), async () => retried(await api('POST', '/media/' + m.sha256 + '/renditions/retry'))));
    }
  } else if (converting(m)) {
    const running = rs.filter((r) => r.status !== 'done');
    const pct = Math.min(...running.map((r) => r.progress));
    box.dataset.conversion = 'converting';
    box.append(el('progress', { max: 100, value: pct }), ' ', el('small', { textContent: t('film.converting', pct) }));
  }
  return box;
}

// Follows a film's conversion: every 2 s while it runs (and `alive()` says
// its view is still shown), GET /api/v1/media/{sha256} and `show` it.
export function followConversion(sha, show, alive) {
  const tick = async () => {
    if (!alive()) return;
    let m = null;
    try { m = await api('GET', '/media/' + sha); } catch { /* asked again in 2 s */ }
    if (m && alive()) show(m);
    if (!m || converting(m)) setTimeout(tick, 2000);
  };
  setTimeout(tick, 2000);
}

const ACCEPT = { image: 'image/png,image/jpeg', video: 'video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov' };

// A media picker: hidden sha256 input, thumbnail (a film's poster), file
// chooser and progress bar, and the library to choose from (pictures for an
// image field, films for a video field: `kind`).
export function mediaPicker(name, value, onChange, kind = 'image') {
  const film = kind === 'video';
  const hidden = input(name, value, { type: 'hidden' });
  const thumb = el('img', { className: 'thumb', alt: '', hidden: !value, src: value ? thumbSrc({ sha256: value, video: film }) : '' });
  const progress = el('progress', { max: 100, value: 0, hidden: true });
  const note = el('small', { className: 'muted', dataset: { facts: '' } });
  const file = el('input', { type: 'file', accept: ACCEPT[kind], className: 'file' });
  // A film's conversion for the screens, kept up to date while it runs.
  let state = el('div', { className: 'conversion' });
  const showState = (m) => {
    if (hidden.value !== m.sha256) return;  // another was chosen since
    const fresh = conversionState(m, follow);
    state.replaceWith(fresh);
    state = fresh;
  };
  function follow(m) {
    showState(m);
    if (converting(m)) followConversion(m.sha256, showState, () => state.isConnected && hidden.value === m.sha256);
  }
  const chosen = (m) => {
    hidden.value = m.sha256;
    hidden.dataset.durationMs = m.video ? m.video.duration_ms : '';
    thumb.src = thumbSrc(m);
    thumb.hidden = false;
    note.textContent = m.video ? t('ed.film_chosen', filmFacts(m)) : t('ed.uploaded', m.width, m.height);
    if (m.video) {
      // The upload's answer has no conversions yet: ask the library.
      if (m.renditions) follow(m); else api('GET', '/media/' + m.sha256).then(follow).catch(() => {});
    }
    if (onChange) onChange();
  };
  file.onchange = async () => {
    if (!file.files[0]) return;
    note.textContent = t('ed.uploading', 0);
    progress.oninput = null;
    const timer = setInterval(() => { note.textContent = t('ed.uploading', progress.value); }, 100);
    try {
      chosen(await upload(file.files[0], progress));
    } catch (e) {
      note.textContent = '';
      say(e.message, true);
    } finally {
      clearInterval(timer);
    }
  };
  // Or one already in the library.
  const grid = el('div', { className: 'media-grid', hidden: true });
  const browse = button(t('media.choose'), async () => {
    if (!grid.hidden) { grid.hidden = true; return; }
    const { media } = await api('GET', '/media');
    const fitting = media.filter((m) => !!m.video === film);
    grid.replaceChildren(...fitting.map((m) => el('button', {
      type: 'button', className: 'media-tile', title: `${m.name} · ${m.video ? filmFacts(m) : `${m.width}×${m.height}`}`,
      onclick: () => { chosen(m); grid.hidden = true; },
    }, el('img', { src: thumbSrc(m), alt: '', loading: 'lazy' }),
    m.video ? el('span', { className: 'film-length', textContent: t('media.seconds', Math.round(m.video.duration_ms / 1000)) }) : null)));
    if (!fitting.length) grid.append(el('p', { className: 'muted', textContent: t(film ? 'media.no_films' : 'media.empty') }));
    grid.hidden = false;
  });
  // A film chosen earlier says what it is, and how its conversion goes.
  if (value && film) {
    api('GET', '/media/' + value).then((m) => {
      if (!note.textContent) note.textContent = t('ed.film_chosen', filmFacts(m));
      follow(m);
    }).catch(() => {});
  }
  return el('div', { className: 'media-picker' }, hidden, thumb, filePicker(file, film ? 'file.choose_film' : 'file.choose_image'), browse, progress, note, state, grid);
}
