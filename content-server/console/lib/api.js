// The server's API (/api/v1), with the session's token: JSON requests, and
// files fetched with the token and saved.
import { t } from '../i18n.js';
import { el } from './dom.js';
import { errorText } from './errors.js';
import { authHeaders, expired, session } from './session.js';
import { inUnit, withUnit } from './units.js';

// A refused request, its message in the console's language (lib/errors.js).
export class ApiError extends Error {
  constructor(status, error, path) {
    const e = error || {};
    // No route at the path (the server is older than this console): the
    // server names the path itself as what was wrong.
    const missing = status === 404 && e.code === 'not_found' && e.field === 'path';
    super(missing ? t('err.missing_route') : errorText(status, e));
    this.status = status;
    this.error = e;
    this.path = path;
  }
}

export async function api(method, path, body, contentType) {
  // Lists ask for the unit the console works in; new records belong to it.
  path = withUnit(method, path);
  body = contentType ? body : inUnit(method, path, body);
  const token = session() && session().token;
  const headers = authHeaders();
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType || 'application/json';
    payload = contentType ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch('/api/v1' + path, { method, headers, body: payload });
  } catch (e) {
    throw new Error(t('err.network'));
  }
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (res.status === 401 && token && path !== '/auth/login') {
    expired(token);
    throw new Error(t('login.expired'));
  }
  if (!res.ok) throw new ApiError(res.status, data.error, method + ' /api/v1' + path);
  return data;
}

// A GET whose answer is saved as a file (the request needs the token, so a
// plain link cannot fetch it itself).
export async function download(path, filename) {
  const res = await fetch('/api/v1' + path, { headers: authHeaders() });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    throw new ApiError(res.status, data.error, 'GET /api/v1' + path);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
