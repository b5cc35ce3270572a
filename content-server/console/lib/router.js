// The hash routes: #name/id?query draws the page `name` into #page.
import { $, el, say } from './dom.js';
import { session } from './session.js';

let pages = {};
let drawNav = () => {};

let routeSeq = 0;
export async function route() {
  const seq = ++routeSeq;
  if (!session()) return;
  const hash = location.hash.replace(/^#/, '') || 'dashboard';
  const [path, query] = hash.split('?');
  const [name, id] = path.split('/');
  const params = new URLSearchParams(query || '');
  const render = pages[name] || pages.dashboard;
  drawNav(pages[name] ? name : 'dashboard');
  const page = el('div', { className: 'page page-' + name });
  try {
    await render(page, params, id);
  } catch (e) {
    page.append(el('p', { className: 'error', textContent: e.message }));
    say(e.message, true);
  }
  if (seq === routeSeq) $('page').replaceChildren(page);
}

// A message stays for the page an action led to (navigate), not for pages
// the user goes to next.
let keepMessage = false;
export function navigate(hash) {
  keepMessage = true;
  if (location.hash === hash) route(); else location.hash = hash;
}

// pages: a render function (page element, query parameters, id) by name;
// nav(current) draws the menu.
export function startRouter(table, nav) {
  pages = table;
  drawNav = nav;
  window.addEventListener('hashchange', () => {
    if (!keepMessage) say('');
    keepMessage = false;
    route();
  });
}
