// The staff console: one page per hash route (#dashboard, #content, #editor/ID,
// #review, #publish, #groups, #week/GROUP, #order/GROUP, #quiz, #prizes, #reports, #users, #units, #audit, #pair, #alerts). Talks
// only to /api/v1 with the session token kept in sessionStorage.
// This module is the shell: the menu, signing in and out, the language
// switch. Each page is a module in pages/ (pages/NAME.js for #NAME); what
// the pages share is in lib/.
import { currentLang, setLang, t } from './i18n.js';
import { api } from './lib/api.js';
import { $, el, say } from './lib/dom.js';
import { route, startRouter } from './lib/router.js';
import { can, onSignOut, session, signIn, signOut } from './lib/session.js';
import { loadSlideTypes } from './lib/slide_types.js';
import { forgetUnits, loadUnits, unitSwitcher } from './lib/units.js';
import { accountPage } from './pages/account.js';
import { alertsPage } from './pages/alerts.js';
import { auditPage } from './pages/audit.js';
import { contentPage } from './pages/content.js';
import { dashboardPage } from './pages/dashboard.js';
import { editorPage } from './pages/editor.js';
import { emergencyPage } from './pages/emergency.js';
import { groupsPage } from './pages/groups.js';
import { mediaPage } from './pages/media.js';
import { orderPage } from './pages/order.js';
import { pairPage } from './pages/pair.js';
import { prizesPage } from './pages/prizes.js';
import { publishPage } from './pages/publish.js';
import { quizPage } from './pages/quiz.js';
import { reportsPage } from './pages/reports.js';
import { reviewPage } from './pages/review.js';
import { settingsPage } from './pages/settings.js';
import { unitsPage } from './pages/units.js';
import { usersPage } from './pages/users.js';
import { weekPage } from './pages/week.js';

// The menu: route, label, the role it needs (none: everyone).
const PAGES = [
  ['dashboard', 'nav.dashboard'], ['content', 'nav.content'], ['editor', 'nav.editor', 'editor'],
  ['review', 'nav.review', 'reviewer'], ['publish', 'nav.publish', 'reviewer'], ['emergency', 'nav.emergency'], ['groups', 'nav.groups'], ['week', 'nav.week'],
  ['media', 'nav.media'], ['quiz', 'nav.quiz'], ['prizes', 'nav.prizes'], ['reports', 'nav.reports'], ['users', 'nav.users', 'admin'], ['units', 'nav.units', 'admin'], ['audit', 'nav.audit', 'admin'],
  ['pair', 'nav.pair', 'admin'], ['settings', 'nav.settings', 'admin'], ['alerts', 'nav.alerts', 'admin'],
];

const pageTable = {
  dashboard: dashboardPage, content: contentPage, editor: editorPage, review: reviewPage, publish: publishPage,
  emergency: emergencyPage, groups: groupsPage, week: weekPage, media: mediaPage, quiz: quizPage, prizes: prizesPage,
  reports: reportsPage, users: usersPage, units: unitsPage, audit: auditPage, pair: pairPage, settings: settingsPage, alerts: alertsPage, account: accountPage,
  order: orderPage,
};
// Pages name slide types and build editors from their descriptors: those
// are loaded first (once per sign-in).
const pages = Object.fromEntries(Object.entries(pageTable).map(([name, draw]) =>
  [name, async (...args) => { await loadSlideTypes(); await loadUnits(); return draw(...args); }]));

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
  // The unit switcher, once the tree is known (a page drawn meanwhile asks
  // for the user's own unit, the default).
  $('unit-slot').replaceChildren();
  loadUnits().then(drawSwitcher);
  route();
}

function drawSwitcher() {
  const sw = unitSwitcher(() => { say(''); route(); });
  $('unit-slot').replaceChildren(...(sw ? [sw] : []));
}
window.addEventListener('units-changed', drawSwitcher);

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

onSignOut(() => { forgetUnits(); show(); });
startRouter(pages, buildNav);
setLang(currentLang());
$('lang').textContent = t('lang.other');
show();
