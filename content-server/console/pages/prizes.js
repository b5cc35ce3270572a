// Prizes: a winner's code, checked and handed out once. The prize screen's QR
// code opens this page as #prizes?code=CODE on a staff phone (after signing
// in if needed: the hash, code included, survives the sign-in); the code is
// checked at once and one big button hands the prize out. Typed codes may
// have dashes or spaces and either case; the server reads them (O for 0, I
// and L for 1 included) and limits wrong tries.
import { t } from '../i18n.js';
import { api } from '../lib/api.js';
import { button, el, field, section } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';

// A short code in groups of four (K7QM-3XPT-9WDF); a long CS1- code as it is.
function grouped(code) {
  const plain = code.trim();
  if (/^CS1-/.test(plain)) return plain;
  const symbols = plain.replace(/[\s-]/g, '').toUpperCase();
  return symbols.match(/.{1,4}/g)?.join('-') ?? '';
}

// What went wrong, in the console's language.
function problem(e) {
  const error = e.error || {};
  if (e.status === 409) return t('prize.already', fmtTime(error.redeemed_at), error.redeemed_by);
  if (error.code === 'forged') return t('prize.forged');
  if (error.code === 'invalid' && error.field === 'code') return t('prize.malformed');
  if (error.code === 'too_many_requests') return t(error.field === 'address' ? 'prize.limited_address' : 'prize.limited_account');
  if (error.reason === 'expired') return t('prize.expired');
  if (error.reason === 'revoked') return t('prize.revoked', error.params?.screen);
  if (error.reason === 'over_limit') return t('prize.over_limit', error.params?.limit);
  return e.message;
}

export async function prizesPage(page, params) {
  const code = el('input', {
    id: 'prize-code', className: 'code-input', placeholder: 'K7QM-3XPT-9WDF', autocomplete: 'off',
    spellcheck: false, autocapitalize: 'characters', enterKeyHint: 'go',
  });
  const card = el('div', { id: 'prize-card', className: 'prize-card', hidden: true });
  const out = el('div', { id: 'prize-result', className: 'result', role: 'status' });
  const show = (text, good) => { out.textContent = text; out.className = 'result ' + (good ? 'good' : 'bad'); };

  const redeem = async () => {
    try {
      const r = await api('POST', '/quiz/claims/redeem', { code: code.value.trim() });
      card.hidden = true;
      show(t('prize.redeemed', r.screen, r.date, r.serial), true);
    } catch (e) {
      card.hidden = true;
      show(problem(e), false);
    }
  };
  // The prize behind the code, with the button that hands it out.
  const check = async () => {
    out.className = 'result';
    out.textContent = '';
    card.hidden = true;
    try {
      const r = await api('POST', '/quiz/claims/check', { code: code.value.trim() });
      card.replaceChildren(
        el('div', { className: 'prize-code', textContent: grouped(code.value) }),
        el('p', { className: 'prize-where', textContent: t('prize.valid', r.screen, r.date, r.serial) }),
        r.redeemed
          ? el('p', { className: 'prize-state bad', textContent: t('prize.was_redeemed', fmtTime(r.redeemed_at), r.redeemed_by) })
          : el('p', { className: 'prize-state', textContent: t('prize.unredeemed') }),
        r.redeemed ? null : button(t('prize.confirm'), redeem, 'primary huge'),
      );
      card.hidden = false;
    } catch (e) {
      show(problem(e), false);
    }
  };
  code.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') check(); });

  page.append(section('prize.title', field('prize.code', code, t('prize.hint')),
    el('div', { className: 'bar' }, button(t('prize.check'), check), button(t('prize.redeem'), redeem, 'primary')),
    card, out));
  // Opened from a prize screen's QR code: check at once.
  const linked = params && params.get('code');
  if (linked) {
    code.value = grouped(linked);
    await check();
  }
}
