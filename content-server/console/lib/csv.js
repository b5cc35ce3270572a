// The honour roll's list read from a CSV file in the browser.
import { t } from '../i18n.js';

// A CSV file (RFC 4180: quoted fields, "" for a quote, CRLF or LF) as rows of
// fields. Throws naming the line of an unclosed quote.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false, line = 1, started = 1;
  text = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
    } else if (c === '"' && field === '') { quoted = true; started = line; }
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f.trim())) rows.push({ line, fields: row });
      row = []; line++;
    } else field += c;
  }
  if (quoted) throw new Error(t('csv.open_quote', started));
  row.push(field);
  if (row.some((f) => f.trim())) rows.push({ line, fields: row });
  return rows;
}

// Honour-roll rows from a CSV with a header naming the columns in Chinese or
// English; the server checks every value when the slide is saved.
const HONOR_COLUMNS = {
  name: ['姓名', 'name'], category: ['类别', 'category'], level: ['级别', 'level'], unit: ['单位', 'unit'],
  period: ['期间', '时间', 'period'], deed: ['事迹', 'deed'], photo: ['照片', 'photo'],
};

export function honorEntriesFromCsv(text) {
  const rows = parseCsv(text);
  if (!rows.length) throw new Error(t('csv.empty'));
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  const index = {};
  for (const [key, names] of Object.entries(HONOR_COLUMNS)) {
    const at = header.findIndex((h) => names.includes(h));
    if (at >= 0) index[key] = at;
  }
  const unknown = header.filter((h) => h && !Object.values(HONOR_COLUMNS).some((names) => names.includes(h)));
  if (unknown.length) throw new Error(t('csv.unknown_column', unknown.join('、')));
  if (index.name === undefined) throw new Error(t('csv.needs_name'));
  return rows.slice(1).map((r) => {
    if (r.fields.length > header.length) throw new Error(t('csv.too_many', r.line, r.fields.length, header.length));
    const e = {};
    for (const [key, at] of Object.entries(index)) {
      const v = (r.fields[at] || '').trim();
      if (v) e[key] = v;
    }
    return e;
  });
}
