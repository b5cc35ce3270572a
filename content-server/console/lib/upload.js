// Images into the media library: an upload with a progress bar, and the
// editor's picker (upload one, or choose one already in the library).
import { t } from '../i18n.js';
import { api, ApiError } from './api.js';
import { button, el, filePicker, input, say } from './dom.js';
import { fmtBytes } from './format.js';
import { authHeaders } from './session.js';

// Uploads a file to PUT /api/v1/media with a progress bar; resolves to the media JSON.
export function upload(file, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', '/api/v1/media');
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

// A media picker: hidden sha256 input, thumbnail, file chooser and progress bar.
export function mediaPicker(name, value, onChange) {
  const hidden = input(name, value, { type: 'hidden' });
  const thumb = el('img', { className: 'thumb', alt: '', hidden: !value, src: value ? '/media/' + value : '' });
  const progress = el('progress', { max: 100, value: 0, hidden: true });
  const note = el('small', { className: 'muted' });
  const file = el('input', { type: 'file', accept: 'image/png,image/jpeg', className: 'file' });
  file.onchange = async () => {
    if (!file.files[0]) return;
    note.textContent = t('ed.uploading', 0);
    progress.oninput = null;
    const timer = setInterval(() => { note.textContent = t('ed.uploading', progress.value); }, 100);
    try {
      const m = await upload(file.files[0], progress);
      hidden.value = m.sha256;
      thumb.src = '/media/' + m.sha256;
      thumb.hidden = false;
      note.textContent = t('ed.uploaded', m.width, m.height);
      if (onChange) onChange();
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
    grid.replaceChildren(...media.map((m) => el('button', {
      type: 'button', className: 'media-tile', title: `${m.name} · ${m.width}×${m.height}`,
      onclick: () => {
        hidden.value = m.sha256; thumb.src = '/media/' + m.sha256; thumb.hidden = false;
        note.textContent = t('ed.uploaded', m.width, m.height); grid.hidden = true;
        if (onChange) onChange();
      },
    }, el('img', { src: '/media/' + m.sha256, alt: '', loading: 'lazy' }))));
    if (!media.length) grid.append(el('p', { className: 'muted', textContent: t('media.empty') }));
    grid.hidden = false;
  });
  return el('div', { className: 'media-picker' }, hidden, thumb, filePicker(file, 'file.choose_image'), browse, progress, note, grid);
}
