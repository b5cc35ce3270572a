// Prizes: check a winner's claim code, and redeem it once.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, section } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';

export async function prizesPage(page) {
  const code = el('textarea', { id: 'prize-code', rows: 3, placeholder: 'CS1-…', className: 'mono' });
  const out = el('div', { id: 'prize-result', className: 'result' });
  const send = async (what) => {
    out.className = 'result';
    try {
      const r = await api('POST', '/quiz/claims/' + what, { code: code.value.trim() });
      if (what === 'check') {
        out.textContent = t('prize.valid', r.screen, r.date, r.serial) + ' ' + (r.redeemed ? t('prize.was_redeemed', fmtTime(r.redeemed_at), r.redeemed_by) : t('prize.unredeemed'));
      } else out.textContent = t('prize.redeemed', r.screen, r.date, r.serial);
      out.className = 'result good';
    } catch (e) {
      out.className = 'result bad';
      if (e.status === 409) out.textContent = t('prize.already', fmtTime(e.error.redeemed_at), e.error.redeemed_by);
      else if (e.error && e.error.code === 'forged') out.textContent = t('prize.forged');
      else out.textContent = e.message;
    }
  };
  page.append(section('prize.title', field('prize.code', code),
    el('div', { className: 'bar' }, button(t('prize.check'), () => send('check')), button(t('prize.redeem'), () => send('redeem'), 'primary')), out));
}
