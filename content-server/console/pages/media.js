// Media library: every uploaded image; editors upload several at once.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { el, say, section } from '../lib/dom.js';
import { fmtBytes, fmtTime } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { can } from '../lib/session.js';
import { upload } from '../lib/upload.js';

export async function mediaPage(page) {
  const { media } = await api('GET', '/media');
  const tiles = media.map((m) => el('figure', { className: 'media-card', dataset: { sha: m.sha256 } },
    el('a', { href: '/media/' + m.sha256, target: '_blank' }, el('img', { src: '/media/' + m.sha256, alt: '', loading: 'lazy' })),
    el('figcaption', {}, `${m.width}×${m.height} · ${fmtBytes(m.size)}`, el('br'),
      el('small', { className: 'muted', textContent: `${m.uploaded_by || '—'} · ${fmtTime(m.created_at)}` }),
      el('br'), el('code', { className: 'muted', textContent: m.sha256.slice(0, 12) + '…' }))));
  if (can('editor')) {
    const progress = el('progress', { max: 100, value: 0, hidden: true });
    const note = el('small', { className: 'muted' });
    const file = el('input', { type: 'file', accept: 'image/png,image/jpeg', multiple: true, className: 'file', id: 'media-upload' });
    file.onchange = async () => {
      const files = [...file.files];
      for (const [i, f] of files.entries()) {
        const timer = setInterval(() => { note.textContent = t('media.uploading', i + 1, files.length, progress.value); }, 100);
        try { await upload(f, progress); } catch (e) { say(`${f.name}: ${e.message}`, true); return; } finally { clearInterval(timer); }
      }
      say(t('media.uploaded', files.length));
      navigate('#media');
    };
    page.append(section('media.upload', el('p', { className: 'muted', textContent: t('media.hint') }), file, progress, note));
  }
  page.append(section({ text: t('media.title', media.length) },
    media.length ? el('div', { className: 'media-library' }, ...tiles) : el('p', { className: 'muted', textContent: t('media.empty') })));
}
