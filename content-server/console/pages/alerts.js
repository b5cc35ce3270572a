// Alerts (admins): webhooks to 企业微信 / 钉钉 group robots or any address,
// the events each wants and the groups it covers, a test message, and each
// webhook's delivery log.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { problemText } from '../lib/errors.js';
import { button, el, field, input, say, section, select, table, td } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';
import { navigate, route } from '../lib/router.js';

const FORMATS = ['wecom', 'dingtalk', 'plain'];
const EVENTS = ['screen_offline', 'sync_error', 'review_waiting', 'emergency_sent'];
const FIELDS = { name: 'alerts.name', url: 'alerts.url', format: 'alerts.format', events: 'alerts.events', groups: 'alerts.groups', secret: 'alerts.secret' };

// An error of the form in the user's words, naming the field by its label.
function formError(e) {
  const f = e.error && e.error.field ? String(e.error.field).replace(/\[\d+\]$/, '') : '';
  if (!FIELDS[f]) return e;
  const named = new Error(t('err.field', t(FIELDS[f]), problemText(e.status, e.error)));
  named.error = e.error;
  return named;
}

function eventNames(list) {
  return (list || []).map((e) => t('alerts.event.' + e)).join(t('alerts.list_sep'));
}

function scopeText(groups) {
  return groups && groups.length ? groups.join(t('alerts.list_sep')) : t('alerts.all_groups');
}

// What became of one delivery, in the user's words (the raw error as its tooltip).
function outcome(d) {
  if (d.status === 'delivered') return el('td', { textContent: t('alerts.ok', d.http_status) });
  const text = d.http_status ? t('alerts.http', d.http_status) : (d.error ? t('alerts.unreachable') : '');
  const next = d.next_attempt_at ? ' ' + t('alerts.next', fmtTime(d.next_attempt_at)) : '';
  return el('td', { textContent: text + next, title: d.error || '', className: d.status === 'failed' ? 'error' : '' });
}

function logSection(hook, deliveries) {
  const rows = deliveries.map((d) => el('tr', { dataset: { status: d.status } },
    td(fmtTime(d.created_at), 'muted'), td(t('alerts.event.' + d.event)),
    el('td', {}, el('span', { className: 'status status-hook-' + d.status, textContent: t('alerts.status.' + d.status) })),
    td(String(d.attempts)), outcome(d), td(d.message, 'message-text')));
  return section({ text: t('alerts.log_title', hook.name) },
    el('p', { className: 'muted', textContent: t('alerts.log_hint') }),
    el('div', { className: 'bar' }, button(t('refresh'), () => navigate('#alerts?log=' + hook.id))),
    table(['alerts.when', 'alerts.event', 'alerts.status', 'alerts.attempts', 'alerts.result', 'alerts.message'], rows, 'alerts.no_log'));
}

function hookForm(hook, groups) {
  const h = hook || { name: '', url: '', format: 'wecom', events: EVENTS.slice(), groups: [] };
  const name = input('name', h.name, { autocomplete: 'off' });
  const url = input('url', h.url, { type: 'url', autocomplete: 'off', placeholder: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…' });
  const format = select('format', FORMATS.map((f) => [f, t('alerts.format.' + f)]), h.format);
  const secret = input('secret', '', { type: 'password', autocomplete: 'off', placeholder: h.has_secret ? t('alerts.secret_kept') : '' });
  const secretField = field('alerts.secret', secret, t('alerts.secret_hint'));
  const showSecret = () => { secretField.hidden = format.value !== 'dingtalk'; };
  format.onchange = showSecret;
  showSecret();
  const events = EVENTS.map((e) => el('label', { className: 'inline' },
    el('input', { type: 'checkbox', name: 'events', value: e, checked: h.events.includes(e) }), ' ' + t('alerts.event.' + e)));
  const scope = groups.map((g) => el('label', { className: 'inline' },
    el('input', { type: 'checkbox', name: 'groups', value: g.name, checked: h.groups.includes(g.name) }), ' ' + g.name));
  const checked = (list) => list.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
  const save = async () => {
    if (!name.value.trim()) throw new Error(t('alerts.need', t('alerts.name')));
    if (!/^https?:\/\/[^\s/?#]+/i.test(url.value.trim())) throw new Error(t('alerts.bad_url'));
    const body = { name: name.value.trim(), url: url.value.trim(), format: format.value, events: checked(events), groups: checked(scope) };
    if (!body.events.length) throw new Error(t('alerts.need', t('alerts.events')));
    if (format.value === 'dingtalk' && secret.value) body.secret = secret.value;
    try {
      if (hook) await api('PUT', '/webhooks/' + hook.id, body);
      else await api('POST', '/webhooks', body);
    } catch (e) { throw formError(e); }
    say(t(hook ? 'alerts.saved' : 'alerts.created', body.name));
    navigate('#alerts');
  };
  return section(hook ? { text: t('alerts.edit_title', hook.name) } : 'alerts.new',
    el('form', { className: 'hook-form', onsubmit: (ev) => ev.preventDefault() },
      el('div', { className: 'grid' }, field('alerts.name', name), field('alerts.format', format), secretField),
      field('alerts.url', url, t('alerts.url_hint')),
      el('fieldset', {}, el('legend', { textContent: t('alerts.events') }), ...events),
      el('fieldset', {}, el('legend', { textContent: t('alerts.groups') }),
        el('small', { className: 'muted', textContent: t('alerts.groups_hint') }), el('div', {}, ...scope)),
      el('div', { className: 'bar' }, button(t('save'), save, 'primary'),
        hook ? button(t('cancel'), () => navigate('#alerts')) : null)));
}

export async function alertsPage(page, params) {
  const [{ webhooks }, { groups }] = await Promise.all([api('GET', '/webhooks'), api('GET', '/groups')]);
  const editing = webhooks.find((h) => h.id === params.get('edit'));
  const logOf = webhooks.find((h) => h.id === params.get('log'));
  const rows = webhooks.map((h) => el('tr', { dataset: { hook: h.name } },
    td(h.name), td(t('alerts.format.' + h.format)), td(h.url, 'muted url-cell'), td(eventNames(h.events)), td(scopeText(h.groups)),
    el('td', { className: 'actions' },
      button(t('alerts.test'), async () => {
        await api('POST', '/webhooks/' + h.id + '/test');
        say(t('alerts.test_sent', h.name));
        navigate('#alerts?log=' + h.id);
      }),
      button(t('alerts.log'), () => navigate('#alerts?log=' + h.id)),
      button(t('edit'), () => navigate('#alerts?edit=' + h.id)),
      button(t('delete'), async () => {
        if (!window.confirm(t('confirm_delete', h.name))) return;
        await api('DELETE', '/webhooks/' + h.id);
        say(t('alerts.deleted', h.name));
        await route();
      }))));
  page.append(section('alerts.title', el('p', { className: 'muted', textContent: t('alerts.hint') }),
    table(['alerts.name', 'alerts.format', 'alerts.url', 'alerts.events', 'alerts.groups', 'content.actions'], rows, 'alerts.none')));
  if (logOf) {
    const box = el('div', { className: 'hook-log' });
    // While a delivery is still on its way, the log follows it (the form
    // below is left alone).
    const draw = async () => {
      const { deliveries } = await api('GET', '/webhooks/' + logOf.id + '/deliveries');
      box.replaceChildren(logSection(logOf, deliveries));
      if (deliveries.some((d) => d.status === 'pending' || d.status === 'retrying')) {
        setTimeout(() => { if (box.isConnected) draw().catch((e) => say(e.message, true)); }, 1000);
      }
    };
    await draw();
    page.append(box);
  }
  page.append(hookForm(editing, groups));
}
