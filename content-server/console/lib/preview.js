// The preview is the slide drawn by the screen's own engine (POST /api/v1/preview
// runs signage-player on the server), asked for 400 ms after the last change;
// only the newest answer is shown. Characters the screen's font lacks come back
// as warnings in the X-Signage-Warnings header (percent-encoded JSON).
import { t } from '../i18n.js';
import { el } from './dom.js';
import { errorText } from './errors.js';
import { authHeaders, expired, session } from './session.js';
import { warningText } from './slide_types.js';

const PREVIEW_DELAY_MS = 400;

export function previewPane(box) {
  // Hidden until it has a picture (an empty one shows a broken-image icon).
  const img = el('img', { id: 'preview-img', className: 'preview-img', alt: t('ed.preview_alt'), hidden: true });
  const state = el('p', { id: 'preview-state', className: 'preview-state', role: 'status' });
  const warnings = el('ul', { id: 'preview-warnings', className: 'warnings' });
  box.replaceChildren(img, state, warnings);
  let timer = null;
  let seq = 0;
  let url = null;
  const show = (text, kind) => { state.textContent = text; box.dataset.state = kind; };
  const load = async (slide, mine) => {
    // A pane no longer on the page (its user left it or signed out) asks nothing.
    if (!box.isConnected || !session()) return;
    const token = session().token;
    let res;
    try {
      res = await fetch('/api/v1/preview?size=960x540', {
        method: 'POST', headers: { ...authHeaders(), 'Content-Type': 'application/json' }, body: JSON.stringify(slide),
      });
    } catch (e) {
      if (mine === seq) show(t('err.network'), 'error');
      return;
    }
    if (mine !== seq) return;
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      if (mine !== seq) return;
      if (res.status === 401) { expired(token); return; }
      show(t('ed.preview_failed', errorText(res.status, data.error, slide.type)), 'error');
      return;
    }
    const blob = await res.blob();
    if (mine !== seq) return;
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(blob);
    img.src = url;
    img.hidden = false;
    let found = [];
    try { found = JSON.parse(decodeURIComponent(res.headers.get('X-Signage-Warnings') || '%5B%5D')); } catch (e) { found = []; }
    warnings.replaceChildren(...found.map((w) => el('li', { textContent: warningText(w, slide.type) })));
    const pages = Number(res.headers.get('X-Signage-Pages') || 1);
    show(pages > 1 ? t('ed.preview_pages', pages) : '', 'ready');
  };
  return (slide) => {
    clearTimeout(timer);
    const mine = ++seq;
    show(t('ed.preview_rendering'), 'rendering');
    timer = setTimeout(() => load(slide, mine), PREVIEW_DELAY_MS);
  };
}

// A stored slide drawn by the screen's engine (GET /slides/{id}/preview.png):
// an object URL of the PNG, how many pages the slide has, and the warnings
// (characters the font lacks, fields shown shortened). `approved`: the
// approved version instead of the working copy.
export async function storedSlideImage(id, size, page = 0, approved = false) {
  const q = `size=${size}&page=${page}` + (approved ? '&version=approved' : '');
  const res = await fetch(`/api/v1/slides/${id}/preview.png?${q}`, { headers: authHeaders() });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    throw new ApiError(res.status, data.error, `GET /api/v1/slides/${id}/preview.png`);
  }
  let warnings = [];
  try { warnings = JSON.parse(decodeURIComponent(res.headers.get('X-Signage-Warnings') || '%5B%5D')); } catch (e) { warnings = []; }
  return { url: URL.createObjectURL(await res.blob()), pages: Number(res.headers.get('X-Signage-Pages') || 1), warnings };
}

