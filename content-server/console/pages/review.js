// Review: pending slides and quiz questions, approved or rejected with a
// reason by a reviewer who did not write them.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, say, section, table, td } from '../lib/dom.js';
import { route } from '../lib/router.js';
import { isOwn } from '../lib/session.js';
import { typeLabel } from '../lib/slide_types.js';
import { purposeBadge, rejectControls } from '../lib/workflow.js';

export async function reviewPage(page) {
  const [{ slides }, { questions }] = await Promise.all([api('GET', '/slides'), api('GET', '/quiz/questions')]);
  const slideRows = slides.filter((s) => s.status === 'pending').map((s) => el('tr', { dataset: { id: s.id } },
    td(s.id), el('td', {}, typeLabel(s.type), ' ', purposeBadge(s)),
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
}
