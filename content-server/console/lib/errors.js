// The server's errors in the console's language. An error is {code, field,
// reason, params, message}: the reason (common/error_code.hpp's table) and
// its parameters are worded here, the field by its label; the server's own
// message is English for logs and scripts and is never shown. An error
// without a reason is worded by its code.
import { currentLang, has, t } from '../i18n.js';
import { fmtBytes } from './format.js';
import { fieldPathLabel } from './slide_types.js';

// Server field paths (indexes left out) and the console's label for them.
const FIELD_KEYS = {
  username: 'users.username', password: 'users.password', role: 'users.role',
  old_password: 'account.old', new_password: 'account.new',
  'settings.unit_name': 'g.unit_name', 'settings.slogan': 'g.slogan', 'settings.timezone': 'g.timezone',
  'settings.min_public_share': 'g.min_public_share', 'settings.power_off': 'g.power_off',
  'settings.power_off.from': 'g.power_off', 'settings.power_off.to': 'g.power_off',
  'settings.volume': 'g.volume', 'settings.quiet_hours': 'g.quiet_hours',
  'settings.quiet_hours.from': 'g.quiet_hours', 'settings.quiet_hours.to': 'g.quiet_hours',
  'settings.video_profile.max_width': 'g.video_size', 'settings.video_profile.max_height': 'g.video_size',
  'settings.video_profile.codecs': 'g.video_codecs', 'settings.video_profile.max_bitrate': 'g.video_bitrate',
  'settings.quiz.questions_per_round': 'q.questions_per_round', 'settings.quiz.pass_mark': 'q.pass_mark',
  'settings.quiz.question_time_limit_s': 'q.question_time_limit_s', 'settings.quiz.idle_timeout_s': 'q.idle_timeout_s',
  'settings.quiz.daily_prize_limit': 'q.daily_prize_limit', 'settings.quiz.enabled': 'q.enabled', 'settings.quiz.prizes': 'q.prizes',
  words: 'settings.words', url: 'alerts.url', secret: 'alerts.secret', format: 'alerts.format', events: 'alerts.events',
  groups: 'ed.groups', group: 'dash.group', q: 'media.search', sort: 'media.sort',
  question: 'quiz.question', options: 'quiz.options', answers: 'quiz.answers', explanation: 'quiz.explanation',
  category: 'quiz.category', code: 'prize.code', name: 'field.name', reason: 'field.reason', revision: 'field.revision',
  status: 'field.status', body: 'field.body', sha256: 'field.media', 'X-Filename': 'field.filename', slides: 'field.slides',
};

// A field's path as people read it ("settings.power_off[1].to" is "关屏时段 · 第 2 项").
export function fieldLabel(path, slideType) {
  if (!path) return '';
  if (slideType) {
    const named = fieldPathLabel(slideType, path);
    if (named !== path) return named;
  }
  const plain = path.replace(/\[\d+\]/g, '');
  const index = /\[(\d+)\]/.exec(path);
  const key = FIELD_KEYS[plain] || FIELD_KEYS[plain.split('.').pop()];
  const name = key ? t(key) : t('field.this');
  return index ? t('field.item', name, Number(index[1]) + 1) : name;
}

// A parameter's value as the words for it read it.
function paramText(name, value, slideType) {
  if (name.endsWith('_bytes')) return fmtBytes(Number(value));
  if (name === 'max_pixels') return currentLang() === 'en' ? `${(value / 1e6).toFixed(0)} million` : `${Math.round(value / 1e4)} 万`;
  if (name === 'other') return fieldLabel(String(value), slideType);
  if (name === 'status') return has('status.' + value) ? t('status.' + value) : t('field.this');
  if (name === 'expected') return has('kind.' + value) ? t('kind.' + value) : t('kind.other');
  if (name === 'unit') return has('unit.' + value) ? t('unit.' + value) : '';
  if (name === 'holds') return value;
  return String(value);
}

// The words for a reason: reason.NAME, or reason.NAME.VARIANT where the
// rule's wording depends on a parameter (too_long in chars or bytes, a
// format's kind, an upload's size given or not).
function reasonKey(reason, params) {
  const variant = { too_long: params.unit, too_short: params.unit, format: params.format, file_too_large: params.size_bytes === undefined ? 'limit' : 'size' }[reason];
  if (variant !== undefined && has(`reason.${reason}.${variant}`)) return `reason.${reason}.${variant}`;
  return has('reason.' + reason) ? 'reason.' + reason : null;
}

// What went wrong, without the field.
export function problemText(status, error, slideType) {
  const e = error || {};
  const params = { ...(e.params || {}) };
  // What a unit still holds, counted in the console's words.
  if (e.reason === 'not_empty') {
    params.holds = ['units', 'users', 'groups', 'slides', 'questions', 'media']
      .filter((k) => params[k] > 0).map((k) => t('holds.' + k, params[k])).join(t('list.sep'));
  }
  const key = e.reason ? reasonKey(e.reason, params) : null;
  if (key) {
    return t(key).replace(/\{(\w+)\}/g, (_, name) => (name in params ? paramText(name, params[name], slideType) : ''));
  }
  if (e.code && has('code.' + e.code)) return t('code.' + e.code);
  return t('err.status', status);
}

// The whole sentence: the field's label and what is wrong with it.
export function errorText(status, error, slideType) {
  const e = error || {};
  const what = problemText(status, e, slideType);
  return e.field ? t('err.field', fieldLabel(e.field, slideType), what) : what;
}
