// The admin console (skeleton): sign in, list slides with their status, write
// a text slide, submit, approve, reject, publish, list screens. Talks only to
// /api/v1 with the session token kept in sessionStorage.
'use strict';

const STATUS = { draft: '草稿', pending: '待审核', approved: '已通过', rejected: '已驳回', published: '已发布' };
const TYPE = { text: '文字', image: '图片', core_values: '核心价值观' };
const ROLE = { admin: '管理员', editor: '编辑', reviewer: '审核员' };

const $ = (id) => document.getElementById(id);
let session = JSON.parse(sessionStorage.getItem('signage.session') || 'null');

function say(text, isError = false) {
  const m = $('message');
  m.textContent = text;
  m.className = isError ? 'error' : '';
}

async function api(method, path, body) {
  const headers = {};
  if (session) headers.Authorization = 'Bearer ' + session.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch('/api/v1' + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (res.status === 401 && session) {
    signOut();
    throw new Error('登录已失效，请重新登录');
  }
  if (!res.ok) {
    const e = data.error || {};
    throw new Error((e.field ? e.field + '：' : '') + (e.message || res.statusText));
  }
  return data;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const c of children) node.append(c);
  return node;
}

function can(...roles) {
  return session && (session.role === 'admin' || roles.includes(session.role));
}

function button(label, action) {
  return el('button', {
    type: 'button', textContent: label,
    onclick: () => action().then(refresh).catch((e) => say(e.message, true)),
  });
}

function slideActions(s) {
  const cell = el('td');
  const mine = s.author === session.username || s.updated_by === session.username;
  if (can('editor') && (s.status === 'draft' || s.status === 'rejected')) {
    cell.append(button('提交审核', async () => {
      await api('POST', `/slides/${s.id}/submit`);
      say(`「${s.title || s.id}」已提交审核`);
    }));
  }
  if (can('reviewer') && s.status === 'pending' && !mine) {
    cell.append(button('通过', async () => {
      await api('POST', `/slides/${s.id}/approve`);
      say(`「${s.title || s.id}」已通过，发布后上屏`);
    }));
    cell.append(button('驳回', async () => {
      const reason = prompt('驳回原因（必填）：');
      if (!reason) throw new Error('驳回需要填写原因');
      await api('POST', `/slides/${s.id}/reject`, { reason });
      say(`「${s.title || s.id}」已驳回`);
    }));
  }
  if (can('editor')) {
    cell.append(button('删除', async () => {
      if (!confirm(`删除「${s.title || s.id}」？`)) throw new Error('已取消');
      await api('DELETE', `/slides/${s.id}`);
      say('已删除');
    }));
  }
  return cell;
}

async function refresh() {
  if (!session) return;
  const [{ slides }, { screens }] = await Promise.all([api('GET', '/slides'), api('GET', '/screens')]);
  $('slides').replaceChildren(...slides.map((s) => el('tr', {},
    el('td', { textContent: s.id }),
    el('td', { textContent: TYPE[s.type] || s.type }),
    el('td', { textContent: s.title || '（无标题）' }),
    el('td', {}, el('span', { className: 'status status-' + s.status, textContent: STATUS[s.status] || s.status })),
    el('td', { textContent: s.author }),
    el('td', { className: 'muted', textContent: s.reject_reason || '' }),
    slideActions(s))));
  if (!slides.length) $('slides').append(el('tr', {}, el('td', { colSpan: 7, className: 'muted', textContent: '还没有幻灯片' })));
  $('screens').replaceChildren(...screens.map((s) => el('tr', {},
    el('td', { textContent: s.name }),
    el('td', { textContent: s.group }),
    el('td', { textContent: s.last_seen ? new Date(s.last_seen).toLocaleString('zh-CN') : '从未连接' }))));
  if (!screens.length) $('screens').append(el('tr', {}, el('td', { colSpan: 3, className: 'muted', textContent: '还没有屏幕' })));
}

function show() {
  $('login-view').hidden = !!session;
  $('app-view').hidden = !session;
  $('who').hidden = !session;
  if (!session) return;
  $('who-name').textContent = `${session.username}（${ROLE[session.role] || session.role}）`;
  for (const node of document.querySelectorAll('[data-roles]')) {
    node.hidden = !can(...node.dataset.roles.split(' '));
  }
  refresh().catch((e) => say(e.message, true));
}

function signOut() {
  session = null;
  sessionStorage.removeItem('signage.session');
  show();
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  try {
    const r = await api('POST', '/auth/login', { username: form.get('username'), password: form.get('password') });
    session = { token: r.token, role: r.role, username: r.username };
    sessionStorage.setItem('signage.session', JSON.stringify(session));
    ev.target.reset();
    say('登录成功');
    show();
  } catch (e) {
    say(e.message === 'wrong username or password' ? '用户名或密码错误' : e.message, true);
  }
});

$('logout').addEventListener('click', () => {
  api('POST', '/auth/logout').catch(() => {}).finally(() => { signOut(); say('已退出登录'); });
});

$('refresh').addEventListener('click', () => refresh().then(() => say('已刷新')).catch((e) => say(e.message, true)));

$('publish').addEventListener('click', async () => {
  try {
    const r = await api('POST', '/publish');
    const changed = r.groups.filter((g) => g.changed).map((g) => g.group);
    say(changed.length ? `已发布：${changed.join('、')} 的屏幕将立即更新` : '内容没有变化，屏幕无需更新');
    await refresh();
  } catch (e) {
    say(e.message, true);
  }
});

$('new-slide').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const slide = {
    type: 'text',
    title: form.get('title'),
    body: form.get('body'),
    duration_s: Number(form.get('duration_s')),
    public_service: form.get('public_service') === 'on',
  };
  try {
    const s = await api('POST', '/slides', slide);
    ev.target.reset();
    say(`草稿「${s.title}」已保存，可以提交审核`);
    await refresh();
  } catch (e) {
    say(e.message, true);
  }
});

show();
