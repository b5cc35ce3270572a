// What the pages share about the content workflow: the statuses,
// submitting, rejecting with a reason, and a slide's end.
import { t } from '../i18n.js';
import { button, el, say } from './dom.js';
import { warningText } from './slide_types.js';

export const STATUSES = ['draft', 'pending', 'approved', 'rejected', 'published', 'withdrawn'];

// After a submit: the checks' warnings (traditional characters, characters the
// screen's font lacks) do not block it, but the author should see them.
export function saySubmitted(text, result) {
  const warnings = (result && result.warnings) || [];
  if (!warnings.length) return say(text);
  say(text + ' · ' + t('submit.warnings', warnings.map((w) => warningText(w, result.type)).join('；')), true);
}

// Withdrawing live content: one click, with a reason if the reviewer wants
// to give one (taking content down must never wait for words).
export function withdrawControls(onWithdraw, labelKey = 'withdraw') {
  const reason = el('input', { placeholder: t('withdraw.reason'), className: 'reason', ariaLabel: t('withdraw.reason') });
  return [reason, button(t(labelKey), async () => onWithdraw(reason.value.trim()), 'danger')];
}

// A slide whose approved version is on screens (or will be at the next
// publish), unless it has ended.
export function isLive(s) {
  return !ended(s) && (s.status === 'approved' || s.status === 'published' || s.has_approved_version);
}

// A reason box and a button that rejects with that reason.
export function rejectControls(onReject, labelKey = 'reject') {
  const reason = el('input', { placeholder: t('review.reason'), className: 'reason', ariaLabel: t('review.reason') });
  return [reason, button(t(labelKey), async () => {
    if (!reason.value.trim()) throw new Error(t('review.reason_needed'));
    await onReject(reason.value.trim());
  }, 'danger')];
}

// What the slide is for (公益广告, 通知公告, 其他), as a badge: reviewers see
// what counts toward the public-service share. Older content said only
// whether it was public service.
export function purposeBadge(s) {
  const p = s.purpose || (s.public_service ? 'public_service' : '');
  if (!p) return null;
  return el('span', { className: 'purpose purpose-' + p, textContent: t('purpose.' + p) });
}

// A slide whose valid_until has passed (a date alone lasts to its end).
export function ended(s) {
  if (!s.valid_until) return false;
  const end = /^\d{4}-\d{2}-\d{2}$/.test(s.valid_until) ? Date.parse(s.valid_until + 'T23:59:59') : Date.parse(s.valid_until);
  return !isNaN(end) && end < Date.now();
}
