// Quiz bank: the questions with their actions, a question's form, CSV
// import and export, and the answers' statistics.
import { t } from '../i18n.js';
import { api, download } from '../lib/api.js';
import { problemText } from '../lib/errors.js';
import { button, el, field, filePicker, input, say, section, select, statusBadge, table, td } from '../lib/dom.js';
import { navigate, route } from '../lib/router.js';
import { can, isOwn } from '../lib/session.js';

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
            e.error.rows.map((r) => el('tr', { className: 'import-error' }, td(String(r.row)), td(r.column || '—'), td(problemText(422, r)))), 'none'));
      } else throw e;
    }
  };
  return el('div', { className: 'import' },
    field('quiz.import_file', filePicker(file, 'file.choose_csv')), field('quiz.import_text', text),
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

export async function quizPage(page, params) {
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
      actions.append(button(t('approve'), async () => { await api('POST', `/quiz/questions/${q.id}/approve`, { revision: q.revision }); say(t('review.approved', q.id)); await route(); }, 'primary'));
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
  // Each approval names the revision this page showed.
  const pending = questions.filter((q) => q.status === 'pending' && !isOwn(q)).map((q) => ({ id: q.id, revision: q.revision }));
  if (can('editor') && drafts.length) bulk.append(button(`${t('quiz.submit_all')} (${drafts.length})`, async () => { await api('POST', '/quiz/questions/submit', { ids: drafts }); say(t('done')); await route(); }));
  if (can('reviewer') && pending.length) bulk.append(button(`${t('quiz.approve_all')} (${pending.length})`, async () => { await api('POST', '/quiz/questions/approve', { ids: pending }); say(t('done')); await route(); }));
  page.append(section('quiz.title', bulk,
    table(['content.id', 'quiz.type', 'quiz.question', 'quiz.category', 'content.status', 'content.actions'], rows, 'quiz.empty')));
  if (can('editor')) {
    page.append(section({ text: editing ? t('quiz.edit', editing.id) : t('quiz.new') }, questionForm(editing || {}, async () => navigate('#quiz'))));
    page.append(section('quiz.import', importPanel()));
  }
  page.append(section('quiz.stats', await statsPanel('', '')));
}
