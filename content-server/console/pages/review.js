// Review: pending slides and quiz questions, approved or rejected with a
// reason by a reviewer who did not write them. Each pending slide is shown
// as the screens draw it (every page, landscape and portrait), with what the
// font cannot show or the screen shortens, and what changed since the
// version that is live; an approval names the revision that was looked at.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, say, section, table, td } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';
import { storedSlideImage } from '../lib/preview.js';
import { route } from '../lib/router.js';
import { isOwn, session } from '../lib/session.js';
import { findField, label, typeLabel, warningText } from '../lib/slide_types.js';
import { purposeBadge, rejectControls } from '../lib/workflow.js';

const SIZES = [['landscape', '480x270'], ['portrait', '270x480']];
// The server's fields of a slide, not compared.
const SERVER_FIELDS = new Set(['id', 'status', 'author', 'updated_by', 'reviewer', 'reject_reason', 'created_at',
  'updated_at', 'reviewed_at', 'has_approved_version', 'revision', 'approved_version', 'approved_revision', 'warnings',
  'unit', 'unit_name', 'origin']);

// A value as people read it: a choice by its label, a list of groups joined.
function show(v, f) {
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) return t('none');
  if (f && f.kind === 'choice') {
    const c = f.choices.find((x) => x.value === v);
    if (c) return label(c.label);
  }
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('、');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// What changed from `live` to `now`: [label, was, is], entries compared one
// by one ("事迹 · 第 2 项").
export function changes(type, live, now) {
  const out = [];
  const keys = [...new Set([...Object.keys(live), ...Object.keys(now)])].filter((k) => !SERVER_FIELDS.has(k));
  for (const k of keys) {
    const a = live[k]; const b = now[k];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const f = findField(type, k);
    if (f && f.kind === 'entries' && Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const ea = a[i] || {}; const eb = b[i] || {};
        for (const ef of f.entry_fields) {
          if (JSON.stringify(ea[ef.name]) === JSON.stringify(eb[ef.name])) continue;
          out.push([t('field.entry', label(f.label), i + 1, label(ef.label)), show(ea[ef.name], ef), show(eb[ef.name], ef)]);
        }
      }
      continue;
    }
    out.push([f ? label(f.label) : k === 'groups' ? t('ed.groups') : k, show(a, f), show(b, f)]);
  }
  return out;
}

// The pictures of one version: every page in both orientations; the
// warnings go to `warnings` (once each).
async function pictures(s, approved, box, warnings) {
  const seen = new Set();
  for (const [orientation, size] of SIZES) {
    let pages = 1;
    for (let page = 0; page < pages; page++) {
      let drawn;
      try {
        drawn = await storedSlideImage(s.id, size, page, approved);
      } catch (e) {
        box.append(el('p', { className: 'error', textContent: t('review.no_picture', e.message) }));
        return;
      }
      pages = drawn.pages;
      box.append(el('figure', { className: 'review-shot ' + orientation },
        el('img', { src: drawn.url, alt: t('review.shot_alt', t('review.' + orientation), page + 1) }),
        el('figcaption', { textContent: pages > 1 ? t('review.page_of', t('review.' + orientation), page + 1, pages) : t('review.' + orientation) })));
      for (const w of drawn.warnings) {
        const text = warningText(w, s.type);
        if (!seen.has(text)) { seen.add(text); warnings.append(el('li', { textContent: text })); }
      }
    }
  }
}

function reviewCard(s) {
  const shots = el('div', { className: 'review-shots' });
  const warnings = el('ul', { className: 'warnings' });
  const card = el('article', { className: 'review-card', dataset: { id: s.id, revision: s.revision } },
    el('div', { className: 'review-head' },
      el('strong', { textContent: s.title || t('untitled') }), ' ', purposeBadge(s),
      el('div', { className: 'muted', textContent: t('review.meta', s.id, typeLabel(s.type), s.updated_by || s.author, fmtTime(s.updated_at), s.revision) })),
    shots, warnings);
  if (s.approved_version) {
    const rows = changes(s.type, s.approved_version, s);
    card.append(el('h4', { textContent: t('review.changes') }),
      rows.length ? table(['review.field', 'review.was', 'review.is'], rows.map(([f, a, b]) => el('tr', {}, td(f), td(a, 'was'), td(b, 'is'))), 'review.empty')
        : el('p', { className: 'muted', textContent: t('review.no_changes') }));
  } else {
    card.append(el('p', { className: 'muted review-new', textContent: s.has_approved_version ? t('review.same_as_live') : t('review.new') }));
  }
  card.append(el('div', { className: 'actions' }, ...(isOwn(s) ? [el('span', { className: 'muted', textContent: t('review.own') })] : [
    button(t('review.approve_revision', s.revision), async () => {
      try {
        await api('POST', `/slides/${s.id}/approve`, { revision: s.revision });
      } catch (e) {
        // Changed while the reviewer looked: show the new revision instead.
        if (e.status !== 409 || e.error.field !== 'revision') throw e;
        await route();
        say(t('review.stale', s.title || s.id, s.revision), true);
        return;
      }
      say(t('review.approved', s.title || s.id)); await route();
    }, 'primary'),
    ...rejectControls(async (reason) => { await api('POST', `/slides/${s.id}/reject`, { reason }); say(t('review.rejected', s.title || s.id)); await route(); })])));
  pictures(s, false, shots, warnings);
  return card;
}

// Pending rotation orders: each group's proposed order as a numbered list of
// titles, approved (naming the revision looked at) or rejected with a reason.
async function orderSection() {
  const { groups } = await api('GET', '/groups');
  const orders = await Promise.all(groups.map((g) => api('GET', `/groups/${encodeURIComponent(g.name)}/order`)));
  const cards = orders.filter((o) => o.proposed && o.proposed.status === 'pending').map((o) => {
    const p = o.proposed;
    const title = new Map(o.slides.map((s) => [s.id, s.title || t('untitled')]));
    const base = `/groups/${encodeURIComponent(o.group)}/order`;
    return el('article', { className: 'review-card order-card', dataset: { group: o.group } },
      el('div', { className: 'review-head' }, el('strong', { textContent: o.group }),
        el('div', { className: 'muted', textContent: t('review.order_meta', p.by, fmtTime(p.at)) })),
      el('ol', {}, ...p.slides.map((id) => el('li', { textContent: title.get(id) || t('order.gone', id) }))),
      el('div', { className: 'actions' }, ...(p.by === session().username ? [el('span', { className: 'muted', textContent: t('review.own') })] : [
        button(t('approve'), async () => { await api('POST', base + '/approve', { revision: p.revision }); say(t('review.order_approved', o.group)); await route(); }, 'primary'),
        ...rejectControls(async (reason) => { await api('POST', base + '/reject', { reason }); say(t('review.order_rejected', o.group)); await route(); })])));
  });
  return section('review.orders', ...(cards.length ? cards : [el('p', { className: 'muted', textContent: t('review.empty') })]));
}

export async function reviewPage(page) {
  const [{ slides }, { questions }] = await Promise.all([api('GET', '/slides'), api('GET', '/quiz/questions')]);
  const pending = slides.filter((s) => s.status === 'pending');
  // The list leaves out what the review compares: each slide in full.
  const full = await Promise.all(pending.map((s) => api('GET', `/slides/${s.id}`)));
  const qRows = questions.filter((q) => q.status === 'pending').map((q) => el('tr', {},
    td(q.id), td(t('qtype.' + q.type)), td(q.question), td(q.author),
    el('td', { className: 'actions' }, ...(isOwn(q) ? [el('span', { className: 'muted', textContent: t('review.own') })] : [
      button(t('approve'), async () => { await api('POST', `/quiz/questions/${q.id}/approve`, { revision: q.revision }); say(t('review.approved', q.id)); await route(); }, 'primary'),
      ...rejectControls(async (reason) => { await api('POST', `/quiz/questions/${q.id}/reject`, { reason }); say(t('review.rejected', q.id)); await route(); })]))));
  page.append(
    section('review.title', ...(full.length ? full.map(reviewCard) : [el('p', { className: 'muted', textContent: t('review.empty') })])),
    section('review.quiz', table(['content.id', 'quiz.type', 'quiz.question', 'content.author', 'content.actions'], qRows, 'review.empty')),
    await orderSection());
}
