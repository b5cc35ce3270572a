// Media library: every uploaded image with its name, size, uploader and the
// slides that use it (a film with its conversion for the screens); searched and sorted by the server. Editors upload
// several at once, rename, and delete what nothing uses.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, filePicker, input, say, section, select, statusBadge, table, td } from '../lib/dom.js';
import { fmtBytes, fmtTime } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { can } from '../lib/session.js';
import { conversionState, converting, followConversion, thumbSrc, upload } from '../lib/upload.js';

const SORTS = ['uploaded_at:desc', 'uploaded_at:asc', 'name:asc', 'name:desc', 'size:desc', 'size:asc'];

// Who uses a medium, as a tooltip line: 「title」 (status), ….
function usersText(used) {
  return used.map((u) => t('media.user', u.title || t('untitled'), u.status ? t('status.' + u.status) : t('media.slide_deleted'),
    u.live ? t('media.on_screens') : '')).join(t('media.list_sep'));
}

function usedByCell(used) {
  if (!used.length) return td(t('media.unused'), 'muted');
  return el('td', { className: 'used-by' }, ...used.map((u) => el('div', { dataset: { slide: u.id } },
    u.status ? el('a', { href: '#editor/' + u.id, textContent: u.title || t('untitled') }) : el('span', { textContent: u.title || t('untitled') }),
    ' ', u.status ? statusBadge(u.status) : el('span', { className: 'status', textContent: t('media.slide_deleted') }),
    u.live ? el('span', { className: 'status status-published', textContent: t('media.live') }) : null)));
}

// The name, editable by editors: saved when the field is left or Enter pressed.
function nameCell(m) {
  if (!can('editor')) return td(m.name);
  const box = input('name', m.name, { className: 'media-name', ariaLabel: t('media.name'), maxLength: 120 });
  box.onchange = async () => {
    const name = box.value.trim();
    if (!name) { box.value = m.name; say(t('media.name_empty'), true); return; }
    try {
      const renamed = await api('PATCH', '/media/' + m.sha256, { name });
      m.name = renamed.name;
      box.value = renamed.name;
      say(t('media.renamed', renamed.name));
    } catch (e) {
      box.value = m.name;
      say(e.message, true);
    }
  };
  box.onkeydown = (e) => { if (e.key === 'Enter') box.blur(); };
  return el('td', {}, box);
}

function actionsCell(m, reload) {
  const cell = el('td', { className: 'actions' });
  if (!can('editor')) return cell;
  const used = m.used_by || [];
  const del = button(t('delete'), async () => {
    if (!confirm(t('media.confirm_delete', m.name))) return;
    await api('DELETE', '/media/' + m.sha256);
    say(t('media.deleted', m.name));
    await reload();
  }, 'danger');
  if (used.length) {
    // A disabled button shows no tooltip in every browser: its wrapper does.
    del.disabled = true;
    const why = t('media.in_use', usersText(used));
    del.title = why;
    cell.append(el('span', { className: 'why-disabled', title: why }, del));
  } else {
    cell.append(del);
  }
  return cell;
}

function mediaRow(m, reload) {
  // A film: its poster, its length, and its codec under its frame size.
  const duration = m.video ? t('media.seconds', Math.round(m.video.duration_ms / 100) / 10) : '—';
  // Under it, its conversion for the screens, followed while it runs (and
  // again once an editor asks for a failed one again).
  let state = null;
  const show = (fresh) => {
    const next = conversionState(fresh, follow);
    if (state) state.replaceWith(next);
    state = next;
  };
  function follow(fresh) {
    show(fresh);
    if (converting(fresh)) followConversion(fresh.sha256, show, () => state.isConnected);
  }
  if (m.video) follow(m);
  const size = m.video ? el('td', {}, `${m.video.width}×${m.video.height}`, el('br'), el('small', { className: 'muted', textContent: m.video.codec }), state)
    : td(`${m.width}×${m.height}`);
  return el('tr', { dataset: { sha: m.sha256 } },
    el('td', {}, el('a', { href: '/media/' + m.sha256, target: '_blank' },
      el('img', { className: 'thumb', src: thumbSrc(m), alt: m.name, loading: 'lazy' }))),
    nameCell(m), td(fmtBytes(m.size), 'size'), size, td(duration),
    td(m.uploader || '—'), td(fmtTime(m.uploaded_at), 'muted'), usedByCell(m.used_by || []),
    actionsCell(m, reload));
}

export async function mediaPage(page) {
  if (can('editor')) {
    const progress = el('progress', { max: 100, value: 0, hidden: true });
    const note = el('small', { className: 'muted' });
    const file = el('input', { type: 'file', accept: 'image/png,image/jpeg,video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov', multiple: true, className: 'file', id: 'media-upload' });
    file.onchange = async () => {
      const files = [...file.files];
      for (const [i, f] of files.entries()) {
        const timer = setInterval(() => { note.textContent = t('media.uploading', i + 1, files.length, progress.value); }, 100);
        try { await upload(f, progress); } catch (e) { say(`${f.name}: ${e.message}`, true); return; } finally { clearInterval(timer); }
      }
      say(t('media.uploaded', files.length));
      navigate('#media');
    };
    page.append(section('media.upload', el('p', { className: 'muted', textContent: t('media.hint') }), filePicker(file, 'file.choose_images'), progress, note));
  }
  const search = input('q', '', { type: 'search', id: 'media-search', placeholder: t('media.search_hint') });
  const sort = select('sort', SORTS.map((s) => [s, t('media.sort.' + s.replace(':', '_'))]), SORTS[0]);
  sort.id = 'media-sort';
  const title = el('h2');
  const holder = el('div', { className: 'media-table' });
  let asked = 0;
  const load = async () => {
    const mine = ++asked;
    const [by, order] = sort.value.split(':');
    const q = search.value.trim();
    const { media } = await api('GET', `/media?sort=${by}&order=${order}${q ? '&q=' + encodeURIComponent(q) : ''}`);
    if (mine !== asked) return;  // a later search has been asked for
    title.textContent = t('media.title', media.length);
    holder.replaceChildren(table(['media.thumb', 'media.name', 'media.size', 'media.dimensions', 'media.duration',
      'media.uploader', 'media.date', 'media.used_by', 'content.actions'], media.map((m) => mediaRow(m, load)),
    q ? 'media.no_match' : 'media.empty'));
  };
  let timer;
  search.oninput = () => { clearTimeout(timer); timer = setTimeout(() => load().catch((e) => say(e.message, true)), 200); };
  sort.onchange = () => load().catch((e) => say(e.message, true));
  await load();
  page.append(el('section', {}, title,
    el('div', { className: 'filters' }, field('media.search', search), field('media.sort', sort)), holder));
}
