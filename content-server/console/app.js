// The staff console: one page per hash route (#dashboard, #content, #editor/ID,
// #review, #publish, #groups, #quiz, #prizes, #reports, #users, #audit, #pair). Talks
// only to /api/v1 with the session token kept in sessionStorage. What the
// pages share is in lib/.
import { currentLang, setLang, t } from './i18n.js';
import { api, download } from './lib/api.js';
import { honorEntriesFromCsv } from './lib/csv.js';
import { $, button, el, field, input, say, section, select, statusBadge, table, td } from './lib/dom.js';
import { fmtBytes, fmtTime, isoWithOffset, localInputValue, localToday, pct } from './lib/format.js';
import { previewPane } from './lib/preview.js';
import { navigate, route, startRouter } from './lib/router.js';
import { authHeaders, can, isOwn, onSignOut, session, signIn, signOut } from './lib/session.js';
import { mediaPicker, upload } from './lib/upload.js';
import { ended, rejectControls, saySubmitted, SLIDE_TYPES, STATUSES } from './lib/workflow.js';

// The menu: route, label, the role it needs (none: everyone).
const PAGES = [
  ['dashboard', 'nav.dashboard'], ['content', 'nav.content'], ['editor', 'nav.editor', 'editor'],
  ['review', 'nav.review', 'reviewer'], ['publish', 'nav.publish', 'reviewer'], ['emergency', 'nav.emergency'], ['groups', 'nav.groups'],
  ['media', 'nav.media'], ['quiz', 'nav.quiz'], ['prizes', 'nav.prizes'], ['reports', 'nav.reports'], ['users', 'nav.users', 'admin'], ['audit', 'nav.audit', 'admin'],
  ['pair', 'nav.pair', 'admin'], ['settings', 'nav.settings', 'admin'],
];
const ROLES = ['editor', 'reviewer', 'admin'];

// --- pages ----------------------------------------------------------------

const pages = {};

// A screen's latest screenshot as an object URL (the request needs the token,
// so an <img src> cannot fetch it itself).
async function screenshotUrl(id) {
  const res = await fetch(`/api/v1/screens/${id}/screenshot`, { headers: authHeaders() });
  if (!res.ok) return null;
  return URL.createObjectURL(await res.blob());
}

// The screenshot cell: the latest picture and a button that asks for a new
// one; when it arrives the whole row is drawn again, since the screen sends
// a heartbeat with it (the item on screen, memory and so on are current).
function screenshotCell(s, replaceRow) {
  const img = el('img', { className: 'shot', alt: t('dash.screenshot_of', s.name), hidden: true });
  const when = el('small', { className: 'muted shot-time' });
  if (s.screenshot_at) {
    screenshotUrl(s.id).then((url) => {
      if (!url) return;
      img.src = url;
      img.hidden = false;
      when.textContent = t('dash.taken_at', fmtTime(s.screenshot_at));
    });
  }
  const take = button(t('dash.take_screenshot'), async () => {
    const before = (await api('GET', '/screens/' + s.id)).screenshot_at;
    await api('POST', `/screens/${s.id}/screenshot`);
    say(t('dash.screenshot_asked', s.name));
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const now = await api('GET', '/screens/' + s.id);
      if (now.screenshot_at && now.screenshot_at !== before) {
        replaceRow(now);
        say(t('dash.screenshot_arrived', s.name));
        return;
      }
    }
    say(t('dash.screenshot_late', s.name), true);
  }, 'take-shot');
  return el('td', { className: 'shot-cell' }, img, el('div', {}, when), take);
}

function screenRow(s) {
  const hb = s.heartbeat || {};
  const state = s.state || 'never';
  const version = [hb.software_version, hb.manifest_version ? hb.manifest_version.slice(0, 8) : null].filter(Boolean).join(' · ');
  const row = el('tr', { dataset: { screen: s.name } });
  row.append(td(s.name), td(s.group),
    el('td', {}, el('span', { className: 'dot state-' + state + (state === 'online' ? ' on' : ' off'), textContent: t('dash.' + state) })),
    td(s.last_seen ? fmtTime(s.last_seen) : t('dash.never'), 'muted'),
    td(version, 'muted hb-version'),
    td(hb.item_title || hb.item_id || '', 'hb-item'),
    td(fmtBytes(hb.rss_bytes), 'hb-memory'),
    td(fmtBytes(hb.free_disk_bytes), 'hb-disk'),
    td(hb.last_sync_error || '', 'hb-error'),
    screenshotCell(s, (fresh) => row.replaceWith(screenRow(fresh))));
  return row;
}

pages.dashboard = async (page) => {
  const [{ screens }, { slides }] = await Promise.all([api('GET', '/screens'), api('GET', '/slides')]);
  const rows = screens.map(screenRow);
  const counts = el('ul', { className: 'counts' }, ...STATUSES.map((st) => el('li', {},
    el('a', { href: '#content?status=' + st }, statusBadge(st), ' ', String(slides.filter((s) => s.status === st).length)))));
  page.append(
    section('dash.title', table(['dash.name', 'dash.group', 'dash.state', 'dash.last_seen', 'dash.version',
      'dash.item', 'dash.memory', 'dash.disk', 'dash.last_error', 'dash.screenshot'], rows, 'dash.no_screens')),
    section('dash.content', counts));
};

function slideActions(s, after) {
  const cell = el('td', { className: 'actions' });
  if (can('editor')) cell.append(el('a', { href: '#editor/' + s.id, className: 'btn', textContent: t('edit') }));
  if (can('editor') && (s.status === 'draft' || s.status === 'rejected')) {
    cell.append(button(t('submit'), async () => {
      saySubmitted(t('submitted', s.title || s.id), await api('POST', `/slides/${s.id}/submit`));
      await after();
    }));
  }
  if (can('editor')) {
    cell.append(button(t('delete'), async () => {
      if (!confirm(t('confirm_delete', s.title || s.id))) return;
      await api('DELETE', `/slides/${s.id}`);
      say(t('deleted'));
      await after();
    }, 'danger'));
  }
  return cell;
}

pages.content = async (page, params) => {
  const status = params.get('status') || '';
  const type = params.get('type') || '';
  const { slides } = await api('GET', '/slides');
  const statusSel = select('status', [['', t('all')], ...STATUSES.map((s) => [s, t('status.' + s)])], status);
  const typeSel = select('type', [['', t('all')], ...SLIDE_TYPES.map((s) => [s, t('type.' + s)])], type);
  const apply = () => { location.hash = `#content?status=${statusSel.value}&type=${typeSel.value}`; };
  statusSel.onchange = apply;
  typeSel.onchange = apply;
  const shown = slides.filter((s) => (!status || s.status === status) && (!type || s.type === type));
  const rows = shown.map((s) => el('tr', { dataset: { id: s.id } },
    td(s.id), td(t('type.' + s.type)), td(s.title || t('untitled')),
    el('td', {}, statusBadge(s.status), s.has_approved_version && s.status === 'pending' ? el('small', { className: 'muted block', textContent: t('content.live_copy') }) : null),
    td(s.author), td(s.reject_reason || '', 'muted'), slideActions(s, () => route())));
  page.append(section('content.title',
    el('div', { className: 'filters' }, field('content.filter_status', statusSel), field('content.filter_type', typeSel),
      can('editor') ? el('a', { href: '#editor', className: 'btn primary', textContent: t('content.new') }) : null),
    table(['content.id', 'content.type', 'content.ttl', 'content.status', 'content.author', 'content.reason', 'content.actions'], rows, 'content.empty')));
};

pages.media = async (page) => {
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
};

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

let updatePreview = () => {};

pages.editor = async (page, params, id) => {
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
};

pages.review = async (page) => {
  const [{ slides }, { questions }] = await Promise.all([api('GET', '/slides'), api('GET', '/quiz/questions')]);
    const slideRows = slides.filter((s) => s.status === 'pending').map((s) => el('tr', { dataset: { id: s.id } },
    td(s.id), td(t('type.' + s.type)),
    el('td', {}, el('strong', { textContent: s.title || t('untitled') }), el('div', { className: 'muted clip', textContent: s.body || s.caption || '' })),
    td(s.author),
    el('td', { className: 'actions' }, ...(isOwn(s) ? [el('span', { className: 'muted', textContent: t('review.own') })] : [
      button(t('approve'), async () => { await api('POST', `/slides/${s.id}/approve`); say(t('review.approved', s.title || s.id)); await route(); }, 'primary'),
      ...rejectControls(async (reason) => { await api('POST', `/slides/${s.id}/reject`, { reason }); say(t('review.rejected', s.title || s.id)); await route(); })]))));
  const qRows = questions.filter((q) => q.status === 'pending').map((q) => el('tr', {},
    td(q.id), td(t('qtype.' + q.type)), td(q.question), td(q.author),
    el('td', { className: 'actions' }, ...(isOwn(q) ? [el('span', { className: 'muted', textContent: t('review.own') })] : [
      button(t('approve'), async () => { await api('POST', `/quiz/questions/${q.id}/approve`); say(t('review.approved', q.id)); await route(); }, 'primary'),
      ...rejectControls(async (reason) => { await api('POST', `/quiz/questions/${q.id}/reject`, { reason }); say(t('review.rejected', q.id)); await route(); })]))));
  page.append(
    section('review.title', table(['content.id', 'content.type', 'content.ttl', 'content.author', 'content.actions'], slideRows, 'review.empty')),
    section('review.quiz', table(['content.id', 'quiz.type', 'quiz.question', 'content.author', 'content.actions'], qRows, 'review.empty')));
};

pages.publish = async (page) => {
  const { slides } = await api('GET', '/slides');
  const live = slides.filter((s) => s.status === 'approved' || s.status === 'published' || s.has_approved_version);
  const rows = live.map((s) => el('tr', {}, td(s.id), td(t('type.' + s.type)), td(s.title || t('untitled')),
    td((s.groups || []).join('、') || t('all')),
    td(ended(s) ? t('pub.ended') : s.status === 'approved' ? t('pub.new') : t('pub.live'), ended(s) ? 'muted' : s.status === 'approved' ? 'new' : '')));
  const pending = slides.filter((s) => s.status === 'pending').length;
  const result = el('div', { id: 'publish-result' });
  page.append(section('pub.title',
    el('h3', { textContent: t('pub.summary') }),
    table(['content.id', 'content.type', 'content.ttl', 'ed.groups', 'content.status'], rows, 'pub.none'),
    pending ? el('p', { className: 'muted', textContent: t('pub.pending_note', pending) }) : null,
    el('div', { className: 'bar' }, button(t('pub.button'), async () => {
      const r = await api('POST', '/publish');
      const changed = r.groups.filter((g) => g.changed).map((g) => g.group);
      say(changed.length ? t('pub.done', changed.join('、')) : t('pub.unchanged'));
      result.replaceChildren(el('ul', {}, ...r.groups.map((g) => el('li', { textContent: `${g.group}: ${g.changed ? '✔ ' : ''}${g.version}` }))));
    }, 'primary big')), result));
};

// Emergency notices: written and submitted in one step, approved and sent
// to the screens in one click by a reviewer (not the author), withdrawn in
// one click by any reviewer.

pages.emergency = async (page) => {
  const [{ slides }, { groups }] = await Promise.all([api('GET', '/slides'), api('GET', '/groups')]);
  const notices = slides.filter((s) => s.type === 'emergency');
  const rows = notices.map((s) => {
    const live = !ended(s) && (s.status === 'approved' || s.status === 'published' || s.has_approved_version);
    const actions = el('td', { className: 'actions' });
    if (s.status === 'pending' && can('reviewer')) {
      if (isOwn(s)) actions.append(el('span', { className: 'muted', textContent: t('review.own') }));
      else {
        actions.append(button(t('em.send'), async () => {
          await api('POST', `/slides/${s.id}/approve`);
          const r = await api('POST', '/publish');
          const changed = r.groups.filter((g) => g.changed).map((g) => g.group);
          say(t('em.sent', s.title || s.id, changed.join('、') || '—'));
          await route();
        }, 'primary'));
      }
    }
    if (live && can('reviewer')) {
      actions.append(...rejectControls(async (reason) => {
        await api('POST', `/slides/${s.id}/withdraw`, { reason });
        say(t('em.withdrawn', s.title || s.id));
        await route();
      }, 'em.withdraw'));
    }
    return el('tr', { dataset: { id: s.id }, className: ended(s) ? 'muted' : '' },
      td(s.id), el('td', {}, el('strong', { textContent: s.title || t('untitled') }), el('div', { className: 'muted clip', textContent: s.body || '' })),
      td((s.groups || []).join('、') || t('all')), td(fmtTime(s.valid_until)),
      el('td', {}, live ? el('span', { className: 'status status-emergency-live', textContent: t('em.live') }) : statusBadge(s.status)),
      actions);
  });
  page.append(section('em.title', el('p', { className: 'muted', textContent: t('em.hint') }),
    table(['content.id', 'em.notice', 'ed.groups', 'em.until', 'content.status', 'content.actions'], rows, 'em.none')));
  if (!can('editor')) return;
  const title = input('title', '紧急通知');
  const body = el('textarea', { name: 'body', rows: 4, maxLength: 4000 });
  const until = input('valid_until', localInputValue(new Date(Date.now() + 2 * 3600e3)), { type: 'datetime-local' });
  const boxes = groups.map((g) => el('label', { className: 'inline' }, el('input', { type: 'checkbox', name: 'group', value: g.name }), ' ' + g.name));
  page.append(section('em.new',
    el('div', { className: 'grid' }, field('ed.title', title), field('em.until', until)),
    field('ed.emergency_body', body),
    el('div', { className: 'label' }, el('span', { textContent: t('em.groups') }), el('div', { className: 'checks' }, ...boxes)),
    button(t('em.submit'), async () => {
      const chosen = boxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value);
      const created = await api('POST', '/slides', {
        type: 'emergency', title: title.value.trim(), body: body.value, groups: chosen,
        valid_until: until.value ? isoWithOffset(until.value) : '',
      });
      await api('POST', `/slides/${created.id}/submit`);
      say(t('em.submitted', created.title || created.id));
      navigate('#emergency');
    }, 'primary')));
};

function parseWindows(text) {
  return text.split(/[,，]/).map((x) => x.trim()).filter(Boolean).map((w) => {
    const [from, to] = w.split(/\s*[-–~]\s*/);
    return { from, to };
  });
}

function groupForm(g) {
  const st = g.settings || {};
  const q = st.quiz || {};
  const admin = can();
  const num = (n, v, step = 'any') => input(n, v, { type: 'number', step });
  const form = el('form', { className: 'group-form' },
    el('div', { className: 'grid' },
      field('g.unit_name', input('unit_name', st.unit_name)),
      field('g.slogan', input('slogan', st.slogan)),
      field('g.min_public_share', num('min_public_share', st.min_public_share ?? 0.3)),
      field('g.timezone', input('timezone', st.timezone ?? 'Asia/Shanghai')),
      field('g.power_off', input('power_off', (st.power_off || []).map((w) => `${w.from}-${w.to}`).join(', ')))),
    el('fieldset', {}, el('legend', { textContent: t('g.quiz') }),
      el('label', { className: 'inline' }, el('input', { type: 'checkbox', name: 'q_enabled', checked: q.enabled !== false }), ' ', t('q.enabled')),
      el('label', { className: 'inline' }, el('input', { type: 'checkbox', name: 'q_prizes', checked: q.prizes !== false }), ' ', t('q.prizes')),
      el('div', { className: 'grid' },
        field('q.questions_per_round', num('q_questions_per_round', q.questions_per_round ?? 10, 1)),
        field('q.pass_mark', num('q_pass_mark', q.pass_mark ?? 0.8)),
        field('q.question_time_limit_s', num('q_question_time_limit_s', q.question_time_limit_s ?? 0, 1)),
        field('q.idle_timeout_s', num('q_idle_timeout_s', q.idle_timeout_s ?? 30, 1)),
        field('q.daily_prize_limit', num('q_daily_prize_limit', q.daily_prize_limit ?? 50, 1)))));
  if (!admin) {
    for (const i of form.querySelectorAll('input')) i.disabled = true;
    form.append(el('p', { className: 'muted', textContent: t('g.admin_only') }));
  } else {
    form.append(button(t('save'), async () => {
      const e = form.elements;
      const settings = {
        min_public_share: Number(e.min_public_share.value),
        timezone: e.timezone.value.trim(),
        power_off: parseWindows(e.power_off.value),
        quiz: {
          enabled: e.q_enabled.checked, prizes: e.q_prizes.checked,
          questions_per_round: Number(e.q_questions_per_round.value), pass_mark: Number(e.q_pass_mark.value),
          question_time_limit_s: Number(e.q_question_time_limit_s.value), idle_timeout_s: Number(e.q_idle_timeout_s.value),
          daily_prize_limit: Number(e.q_daily_prize_limit.value),
        },
      };
      if (e.unit_name.value.trim()) settings.unit_name = e.unit_name.value.trim();
      if (e.slogan.value.trim()) settings.slogan = e.slogan.value.trim();
      await api('PUT', '/groups/' + encodeURIComponent(g.name), { settings });
      say(t('groups.saved', g.name));
    }, 'primary'));
  }
  return form;
}

pages.groups = async (page) => {
  const { groups } = await api('GET', '/groups');
  for (const g of groups) {
    page.append(el('section', {}, el('h2', {}, g.name, el('small', { className: 'muted', textContent: `  ${t('groups.screens')}: ${g.screens ?? 0}` })), groupForm(g)));
  }
  if (can()) {
    const name = input('name', '', { placeholder: '幸福里-东门' });
    page.append(section('groups.new', el('div', { className: 'filters' }, field('groups.name', name),
      button(t('groups.create'), async () => {
        await api('POST', '/groups', { name: name.value.trim() });
        say(t('groups.created', name.value.trim()));
        await route();
      }, 'primary'))));
  }
};

const LETTERS = 'ABCDEF';

function questionForm(q, done) {
  const form = el('form', { className: 'question-form' },
    el('div', { className: 'grid' },
      field('quiz.type', select('type', ['single', 'multiple', 'judge'].map((k) => [k, t('qtype.' + k)]), q.type || 'single')),
      field('quiz.category', input('category', q.category, { maxLength: 20 })),
      field('quiz.answers', input('answers', (q.answers || []).map((i) => LETTERS[i]).join(''), { placeholder: 'B' }))),
    field('quiz.question', input('question', q.question, { maxLength: 200 })),
    field('quiz.options', el('textarea', { name: 'options', rows: 4, value: (q.options || []).join('\n') })),
    field('quiz.explanation', input('explanation', q.explanation, { maxLength: 300 })));
  form.append(el('div', { className: 'bar' }, button(t('save'), async () => {
    const e = form.elements;
    const body = { type: e.type.value, question: e.question.value.trim() };
    const options = e.options.value.split('\n').map((x) => x.trim()).filter(Boolean);
    if (options.length) body.options = options;
    body.answers = [...e.answers.value.toUpperCase().replace(/[^A-F]/g, '')].map((c) => LETTERS.indexOf(c));
    if (e.explanation.value.trim()) body.explanation = e.explanation.value.trim();
    if (e.category.value.trim()) body.category = e.category.value.trim();
    if (q.id) await api('PUT', '/quiz/questions/' + q.id, body); else await api('POST', '/quiz/questions', body);
    say(t('quiz.saved'));
    await done();
  }, 'primary')));
  return form;
}

function importPanel() {
  const file = el('input', { type: 'file', accept: '.csv,text/csv', id: 'csv-file' });
  const text = el('textarea', { id: 'csv-text', rows: 5, placeholder: 'type,question,option_a,option_b,answer\nsingle,…,…,…,A' });
  const out = el('div', { id: 'import-result' });
  const run = async () => {
    const body = file.files[0] ? await file.files[0].text() : text.value;
    out.replaceChildren();
    try {
      const r = await api('POST', '/quiz/import', body, 'text/csv; charset=utf-8');
      say(t('quiz.imported', r.imported));
      await route();
    } catch (e) {
      if (e.error && Array.isArray(e.error.rows)) {
        say(t('quiz.import_failed'), true);
        out.append(el('p', { className: 'error', textContent: t('quiz.import_failed') }),
          table(['quiz.row', 'quiz.column', 'quiz.problem'],
            e.error.rows.map((r) => el('tr', { className: 'import-error' }, td(String(r.row)), td(r.column || '—'), td(r.message))), 'none'));
      } else throw e;
    }
  };
  return el('div', { className: 'import' },
    field('quiz.import_file', file), field('quiz.import_text', text),
    el('div', { className: 'bar' }, button(t('quiz.import_button'), run, 'primary'),
      el('a', { href: '#', className: 'btn', textContent: t('quiz.export_csv'), onclick: (ev) => { ev.preventDefault(); download('/quiz/export?format=csv', 'quiz.csv').catch((e) => say(e.message, true)); } }),
      el('a', { href: '#', className: 'btn', textContent: t('quiz.export_json'), onclick: (ev) => { ev.preventDefault(); download('/quiz/export?format=json', 'quiz.json').catch((e) => say(e.message, true)); } })),
    out);
}

async function statsPanel(from, to) {
  const qs = new URLSearchParams();
  if (from) qs.set('from', from);
  if (to) qs.set('to', to);
  const st = await api('GET', '/quiz/stats' + (qs.toString() ? '?' + qs : ''));
  const fromIn = input('from', from, { type: 'date' });
  const toIn = input('to', to, { type: 'date' });
  const box = el('div', { id: 'stats' });
  box.append(el('div', { className: 'filters' }, field('quiz.from', fromIn), field('quiz.to', toIn),
    button(t('quiz.show'), async () => box.replaceWith(await statsPanel(fromIn.value, toIn.value)))),
  table(['content.id', 'quiz.question', 'quiz.category', 'quiz.attempts', 'quiz.correct_rate'],
    (st.questions || []).map((q) => el('tr', {}, td(q.id), td(q.question), td(q.category), td(String(q.attempts)),
      el('td', {}, el('span', { className: 'bar-graph', style: `--w:${Math.round(q.correct_rate * 100)}%` }), ` ${Math.round(q.correct_rate * 100)}%`))), 'quiz.no_stats'),
  el('h3', { textContent: t('quiz.rounds') }),
  table(['quiz.screen', 'quiz.date', 'quiz.round_count', 'quiz.passed'],
    (st.rounds || []).map((r) => el('tr', {}, td(r.screen), td(r.date), td(String(r.rounds)), td(String(r.passed)))), 'quiz.no_stats'));
  return box;
}

pages.quiz = async (page, params) => {
  const { questions } = await api('GET', '/quiz/questions');
  const editId = params.get('edit');
  const editing = editId ? questions.find((q) => String(q.id) === editId) : null;
    const rows = questions.map((q) => {
    const actions = el('td', { className: 'actions' });
    if (can('editor')) actions.append(el('a', { href: '#quiz?edit=' + q.id, className: 'btn', textContent: t('edit') }));
    if (can('editor') && (q.status === 'draft' || q.status === 'rejected')) {
      actions.append(button(t('submit'), async () => { await api('POST', `/quiz/questions/${q.id}/submit`); say(t('submitted', q.id)); await route(); }));
    }
    if (can('reviewer') && q.status === 'pending' && !isOwn(q)) {
      actions.append(button(t('approve'), async () => { await api('POST', `/quiz/questions/${q.id}/approve`); say(t('review.approved', q.id)); await route(); }, 'primary'));
    }
    if (can('editor')) {
      actions.append(button(t('delete'), async () => {
        if (!confirm(t('confirm_delete', q.question))) return;
        await api('DELETE', '/quiz/questions/' + q.id); say(t('deleted')); await route();
      }, 'danger'));
    }
    return el('tr', {}, td(q.id), td(t('qtype.' + q.type)),
      el('td', {}, q.question, el('div', { className: 'muted', textContent: (q.options || []).map((o, i) => `${LETTERS[i]}. ${o}${(q.answers || []).includes(i) ? ' ✔' : ''}`).join('  ') })),
      td(q.category), el('td', {}, statusBadge(q.status)), actions);
  });
  const bulk = el('div', { className: 'bar' });
  const drafts = questions.filter((q) => q.status === 'draft' || q.status === 'rejected').map((q) => q.id);
  const pending = questions.filter((q) => q.status === 'pending' && !isOwn(q)).map((q) => q.id);
  if (can('editor') && drafts.length) bulk.append(button(`${t('quiz.submit_all')} (${drafts.length})`, async () => { await api('POST', '/quiz/questions/submit', { ids: drafts }); say(t('done')); await route(); }));
  if (can('reviewer') && pending.length) bulk.append(button(`${t('quiz.approve_all')} (${pending.length})`, async () => { await api('POST', '/quiz/questions/approve', { ids: pending }); say(t('done')); await route(); }));
  page.append(section('quiz.title', bulk,
    table(['content.id', 'quiz.type', 'quiz.question', 'quiz.category', 'content.status', 'content.actions'], rows, 'quiz.empty')));
  if (can('editor')) {
    page.append(section({ text: editing ? t('quiz.edit', editing.id) : t('quiz.new') }, questionForm(editing || {}, async () => navigate('#quiz'))));
    page.append(section('quiz.import', importPanel()));
  }
  page.append(section('quiz.stats', await statsPanel('', '')));
};

pages.prizes = async (page) => {
  const code = el('textarea', { id: 'prize-code', rows: 3, placeholder: 'CS1-…', className: 'mono' });
  const out = el('div', { id: 'prize-result', className: 'result' });
  const send = async (what) => {
    out.className = 'result';
    try {
      const r = await api('POST', '/quiz/claims/' + what, { code: code.value.trim() });
      if (what === 'check') {
        out.textContent = t('prize.valid', r.screen, r.date, r.serial) + ' ' + (r.redeemed ? t('prize.was_redeemed', fmtTime(r.redeemed_at), r.redeemed_by) : t('prize.unredeemed'));
      } else out.textContent = t('prize.redeemed', r.screen, r.date, r.serial);
      out.className = 'result good';
    } catch (e) {
      out.className = 'result bad';
      if (e.status === 409) out.textContent = t('prize.already', fmtTime(e.error.redeemed_at), e.error.redeemed_by);
      else if (e.error && e.error.code === 'forged') out.textContent = t('prize.forged');
      else out.textContent = e.message;
    }
  };
  page.append(section('prize.title', field('prize.code', code),
    el('div', { className: 'bar' }, button(t('prize.check'), () => send('check')), button(t('prize.redeem'), () => send('redeem'), 'primary')), out));
};

// Proof of play: a screen's or group's day, hour by hour against the
// group's minimum public-service share, per item, and the loops that fell
// short; the CSV tables for inspectors (fetched with the session, saved as files).

pages.reports = async (page, params) => {
  const [{ screens }, { groups }] = await Promise.all([api('GET', '/screens'), api('GET', '/groups')]);
  const scopes = [...(screens || []).map((s) => ['screen=' + s.id, t('rep.screen', s.name, s.group)]),
    ...(groups || []).map((g) => ['group=' + encodeURIComponent(g.name), t('rep.group', g.name)])];
  const chosen = params.get('scope') || (scopes[0] && scopes[0][0]) || '';
  const day = params.get('day') || localToday();
  const scope = select('scope', scopes, chosen);
  const dayInput = input('day', day, { type: 'date' });
  page.append(section('rep.title', el('div', { className: 'bar' }, field('rep.scope', scope), field('rep.day', dayInput),
    button(t('quiz.show'), async () => navigate('#reports?scope=' + encodeURIComponent(scope.value) + '&day=' + dayInput.value), 'primary'))));
  if (!chosen) { page.append(el('p', { className: 'muted', textContent: t('dash.no_screens') })); return; }
  const query = `${chosen}&from=${day}`;
  const r = await api('GET', '/reports/plays?' + query);
  const s = r.summary;
  page.append(section({ text: t('rep.summary', r.from, r.timezone) },
    el('p', { id: 'report-summary', textContent: t('rep.totals', s.plays, Math.round(s.airtime_ms / 60000), pct(s.share), pct(r.min_public_share), s.loops_complete, s.loops_short, s.hours_short) }),
    el('div', { className: 'bar' }, ...['hours', 'loops', 'items', 'plays'].map((table) =>
      button(t('rep.csv', t('rep.table.' + table)), () => download(`/reports/plays?${query}&format=csv&table=${table}`, `plays-${table}.csv`))))));
  const hours = r.hours.filter((h) => h.airtime_ms > 0);
  page.append(section('rep.hours', table(['rep.hour', 'rep.plays', 'rep.airtime', 'rep.share', 'rep.minimum', 'rep.state'],
    hours.map((h) => el('tr', { className: h.short ? 'short' : '' }, td(`${h.date} ${String(h.hour).padStart(2, '0')}:00`), td(h.plays),
      td((h.airtime_ms / 60000).toFixed(1)), td(pct(h.share)), td(pct(r.min_public_share)), td(h.short ? t('rep.short') : t('rep.ok')))), 'rep.none')));
  page.append(section('rep.items', table(['content.id', 'content.ttl', 'rep.public', 'rep.plays', 'rep.airtime'],
    r.items.map((i) => el('tr', {}, td(i.slide_id || '—'), td(i.title), td(i.public_service ? t('yes') : t('no')), td(i.plays),
      td((i.airtime_ms / 60000).toFixed(1)))), 'rep.none')));
  page.append(section('rep.short_loops', table(['rep.screen_col', 'rep.loop', 'rep.start', 'rep.airtime', 'rep.share'],
    r.short_loops.map((l) => el('tr', { className: 'short' }, td(l.screen), td(l.loop_id), td(l.start_local),
      td((l.airtime_ms / 60000).toFixed(1)), td(pct(l.share)))), 'rep.no_short')));
};

// Accounts, the audit log, screens and pairing (admins); one's own password (everyone).
function roleSelect(name, value) {
  return select(name, ROLES.map((r) => [r, t('role.' + r)]), value);
}

pages.users = async (page) => {
  const { users } = await api('GET', '/users');
  const rows = (users || []).map((u) => {
    const role = roleSelect('role', u.role);
    role.onchange = async () => {
      try {
        await api('PUT', '/users/' + encodeURIComponent(u.username), { role: role.value });
        say(t('users.role_changed', u.username, t('role.' + role.value)));
      } catch (e) { role.value = u.role; say(e.message, true); }
    };
    const toggle = button(t(u.disabled ? 'users.enable' : 'users.disable'), async () => {
      await api('PUT', '/users/' + encodeURIComponent(u.username), { disabled: !u.disabled });
      say(t(u.disabled ? 'users.enabled' : 'users.disabled', u.username));
      await route();
    });
    return el('tr', { className: u.disabled ? 'muted' : '' }, td(u.username), el('td', {}, role),
      td(t(u.disabled ? 'users.state_disabled' : 'users.state_active')), td(fmtTime(u.created_at), 'muted'),
      el('td', {}, u.username === session().username ? null : toggle));
  });
  const name = input('username', '', { autocomplete: 'off' });
  const role = roleSelect('new-role', 'editor');
  const pw = input('password', '', { type: 'password', autocomplete: 'new-password' });
  page.append(
    section('users.title', table(['users.username', 'users.role', 'users.state', 'users.created', 'content.actions'], rows, 'none')),
    section('users.new',
      el('div', { className: 'grid' }, field('users.username', name), field('users.role', role),
        field('users.password', pw, t('users.password_hint'))),
      button(t('users.create'), async () => {
        await api('POST', '/users', { username: name.value.trim(), role: role.value, password: pw.value });
        say(t('users.created_ok', name.value.trim(), t('role.' + role.value)));
        navigate('#users');
      }, 'primary')));
};

pages.account = async (page) => {
  const old = input('old_password', '', { type: 'password', autocomplete: 'current-password' });
  const fresh = input('new_password', '', { type: 'password', autocomplete: 'new-password' });
  const again = input('new_password_again', '', { type: 'password', autocomplete: 'new-password' });
  page.append(section({ text: t('account.title', session().username) },
    el('p', { className: 'muted', textContent: t('account.role', t('role.' + session().role)) }),
    el('div', { className: 'grid' }, field('account.old', old), field('account.new', fresh, t('users.password_hint')),
      field('account.again', again)),
    button(t('account.change'), async () => {
      if (fresh.value !== again.value) { say(t('account.mismatch'), true); return; }
      await api('POST', '/auth/password', { old_password: old.value, new_password: fresh.value });
      old.value = fresh.value = again.value = '';
      say(t('account.changed'));
    }, 'primary')));
};

pages.settings = async (page) => {
  const { words } = await api('GET', '/settings/forbidden-words');
  const box = el('textarea', { name: 'words', rows: 12, value: (words || []).join('\n'), readOnly: !can('admin') });
  page.append(section('settings.words',
    el('p', { className: 'muted', textContent: t('settings.words_hint') }), box,
    can('admin') ? el('div', { className: 'bar' }, button(t('save'), async () => {
      const list = box.value.split('\n').map((w) => w.trim()).filter((w) => w);
      const r = await api('PUT', '/settings/forbidden-words', { words: list });
      box.value = r.words.join('\n');
      say(t('settings.words_saved', r.words.length));
    }, 'primary')) : null));
};

pages.audit = async (page) => {
  const { entries } = await api('GET', '/audit?limit=200');
  page.append(section('audit.title', table(['audit.time', 'audit.user', 'audit.action', 'audit.target'],
    (entries || []).map((a) => el('tr', {}, td(fmtTime(a.at)), td(a.actor || '—'), td(a.action),
      td(`${a.object_type} ${a.object_id}`))), 'none')));
};

pages.pair = async (page) => {
  const [{ groups }, { screens }] = await Promise.all([api('GET', '/groups'), api('GET', '/screens')]);
  const groupOptions = groups.map((g) => [g.name, g.name]);
  const code = input('code', '', { className: 'mono', autocomplete: 'off' });
  const name = input('name');
  const group = select('group', groupOptions, groups[0] && groups[0].name);
  const rows = (screens || []).map((s) => {
    const move = select('screen-group', groupOptions, s.group);
    move.onchange = async () => {
      try {
        await api('PUT', '/screens/' + s.id, { group: move.value });
        say(t('screens.moved', s.name, move.value));
      } catch (e) { move.value = s.group; say(e.message, true); }
    };
    // Revoking takes two clicks: the first arms the button for five seconds.
    const revoke = el('button', { type: 'button', className: 'danger', textContent: t('screens.revoke') });
    let armed = null;
    revoke.onclick = async () => {
      if (!armed) {
        revoke.textContent = t('screens.revoke_confirm', s.name);
        armed = setTimeout(() => { armed = null; revoke.textContent = t('screens.revoke'); }, 5000);
        return;
      }
      clearTimeout(armed);
      revoke.disabled = true;
      try {
        await api('POST', `/screens/${s.id}/revoke`);
        say(t('screens.revoked', s.name));
        await route();
      } catch (e) { say(e.message, true); revoke.disabled = false; }
    };
    return el('tr', { dataset: { screen: s.name }, className: s.revoked ? 'muted' : '' }, td(s.name), el('td', {}, move),
      td(s.last_seen ? fmtTime(s.last_seen) : t('dash.never'), 'muted'),
      s.revoked ? td(t('screens.is_revoked')) : el('td', {}, revoke));
  });
  page.append(section('pair.title',
    el('div', { className: 'grid' }, field('pair.code', code), field('pair.name', name), field('pair.group', group)),
    button(t('pair.button'), async () => {
      const r = await api('POST', '/screens/pair', { code: code.value.trim(), name: name.value.trim(), group: group.value });
      say(t('pair.done', r.name || name.value, r.group || group.value));
    }, 'primary')),
    section('screens.title', el('p', { className: 'muted', textContent: t('screens.hint') }),
      table(['dash.name', 'dash.group', 'dash.last_seen', 'content.actions'], rows, 'dash.no_screens')));
};

// --- shell ----------------------------------------------------------------

function buildNav(current) {
  $('nav').replaceChildren(...PAGES.filter(([, , role]) => !role || can(role)).map(([name, key]) =>
    el('a', {
      href: '#' + name, textContent: t(key), className: name === current ? 'current' : '',
      onclick: () => { if (location.hash === '#' + name) { say(''); route(); } },
    })));
}

function show() {
  const s = session();
  $('login-view').hidden = !!s;
  $('nav').hidden = !s;
  $('who').hidden = !s;
  $('page').replaceChildren();
  if (!s) return;
  $('who-name').textContent = t('who', s.username, t('role.' + s.role));
  route();
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  try {
    const r = await api('POST', '/auth/login', { username: form.get('username'), password: form.get('password') });
    signIn({ token: r.token, role: r.role, username: r.username || form.get('username') });
    ev.target.reset();
    say(t('login.ok'));
    show();
  } catch (e) {
    say(e.status === 401 ? t('login.bad') : e.message, true);
  }
});

$('logout').addEventListener('click', () => {
  api('POST', '/auth/logout').catch(() => {}).finally(() => { signOut(); say(t('logout.ok')); });
});

$('lang').addEventListener('click', () => {
  setLang(currentLang() === 'zh' ? 'en' : 'zh');
  $('lang').textContent = t('lang.other');
  say('');
  show();
});

onSignOut(show);
startRouter(pages, buildNav);
setLang(currentLang());
$('lang').textContent = t('lang.other');
show();
