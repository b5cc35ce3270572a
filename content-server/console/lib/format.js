// Times, sizes and shares as the console shows them.
import { currentLang } from '../i18n.js';

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN');
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '';
  if (n >= 1e9) return (n / 1e9).toFixed(1) + ' GB';
  if (n >= 1e6) return (n / 1e6).toFixed(n >= 1e8 ? 0 : 1) + ' MB';
  return Math.max(1, Math.round(n / 1e3)) + ' KB';
}

// A datetime-local input's value as an ISO time with the browser's UTC offset.
export function isoWithOffset(local) {
  const d = new Date(local);
  const off = -d.getTimezoneOffset();
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${local.length === 16 ? local + ':00' : local}${off >= 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)}`;
}

// A local time as a datetime-local input holds it: YYYY-MM-DDTHH:MM.
export function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// A share as a percentage with one decimal.
export function pct(x) { return (x * 100).toFixed(1) + '%'; }

// Today as a date input holds it: YYYY-MM-DD.
export function localToday() {
  return localInputValue(new Date()).slice(0, 10);
}
