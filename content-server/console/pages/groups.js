// Groups: each group's settings (unit, slogan, public-service share, power-off
// windows, film sound and quiet hours, the screens' video profile, quiz);
// admins change them and add groups.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, input, say, section } from '../lib/dom.js';
import { route } from '../lib/router.js';
import { can } from '../lib/session.js';
import { manyUnits, unitName } from '../lib/units.js';

function parseWindows(text) {
  return text.split(/[,，]/).map((x) => x.trim()).filter(Boolean).map((w) => {
    const [from, to] = w.split(/\s*[-–~]\s*/);
    return { from, to };
  });
}

const windowsText = (list) => (list || []).map((w) => `${w.from}-${w.to}`).join(', ');
const PROFILE_CODECS = [['h264', 'H.264'], ['hevc', 'H.265'], ['vp8', 'VP8'], ['vp9', 'VP9']];

// "1920x1080" (x, X, × or *) as {max_width, max_height}; what cannot be read
// goes to the server as is, so its answer names the field.
function parseSize(text) {
  const [w, h] = text.split(/\s*[xX×*]\s*/);
  return { max_width: Number(w), max_height: Number(h) };
}

function groupForm(g) {
  const st = g.settings || {};
  const q = st.quiz || {};
  const vp = st.video_profile || {};
  const codecs = vp.codecs || ['h264'];
  const admin = can();
  const num = (n, v, step = 'any') => input(n, v, { type: 'number', step });
  const form = el('form', { className: 'group-form' },
    el('div', { className: 'grid' },
      field('g.unit_name', input('unit_name', st.unit_name)),
      field('g.slogan', input('slogan', st.slogan)),
      field('g.min_public_share', num('min_public_share', st.min_public_share ?? 0.3)),
      field('g.timezone', input('timezone', st.timezone ?? 'Asia/Shanghai')),
      field('g.power_off', input('power_off', windowsText(st.power_off)))),
    el('fieldset', { className: 'group-sound' }, el('legend', { textContent: t('g.sound') }),
      el('div', { className: 'grid' },
        field('g.volume', input('volume', st.volume ?? 60, { type: 'number', step: 1, min: 0, max: 100 })),
        field('g.quiet_hours', input('quiet_hours', windowsText(st.quiet_hours))))),
    el('fieldset', { className: 'group-video' }, el('legend', { textContent: t('g.video_profile') }),
      el('p', { className: 'muted', textContent: t('g.video_profile_hint') }),
      el('div', { className: 'grid' },
        field('g.video_size', input('video_size', `${vp.max_width ?? 1920}x${vp.max_height ?? 1080}`)),
        field('g.video_bitrate', num('video_bitrate', (vp.max_bitrate ?? 8000000) / 1e6))),
      el('div', { className: 'codecs' }, el('span', { textContent: t('g.video_codecs') + ' ' }),
        ...PROFILE_CODECS.map(([name, label]) => el('label', { className: 'inline' },
          el('input', { type: 'checkbox', name: 'codec_' + name, checked: codecs.includes(name), disabled: name === 'h264' }),
          ' ', label)))),
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
        volume: Number(e.volume.value),
        quiet_hours: parseWindows(e.quiet_hours.value),
        video_profile: {
          ...parseSize(e.video_size.value.trim()),
          codecs: PROFILE_CODECS.map(([name]) => name).filter((name) => name === 'h264' || e['codec_' + name].checked),
          max_bitrate: Math.round(Number(e.video_bitrate.value) * 1e6),
        },
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

export async function groupsPage(page) {
  const { groups } = await api('GET', '/groups');
  for (const g of groups) {
    page.append(el('section', {}, el('h2', {}, g.name, el('small', { className: 'muted', textContent: `  ${t('groups.screens')}: ${g.screens ?? 0}` }),
      manyUnits() && g.unit ? el('small', { className: 'muted group-unit', textContent: `  ${t('unit.label')}: ${g.unit_name || unitName(g.unit)}` }) : null),
      el('p', {}, el('a', { href: '#order/' + encodeURIComponent(g.name), className: 'order-link', textContent: t('groups.order') })), groupForm(g)));
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
}
