// api.js: every call to ismsd-http goes through api(). It sends the
// session cookie (same origin), the CSRF token on every change, takes
// JSON in and out, and turns an error reply ({"code","message"}) into a
// thrown ApiError. A 401 sends the browser to the sign-in page; a 403
// shows the server's message in #status.

// The signed-in user as GET /v1/session says it; user null when none.
export const session = { user: null, display_name: null, role: null, csrf: '', expires_at: null };

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const hooks = { unauthorized() {}, forbidden() {} };
// setHooks({unauthorized(), forbidden(message)}): set by app.js.
export function setHooks(h) {
  Object.assign(hooks, h);
}

// api(method, path, {body, headers, quiet}): {status, data, headers}.
// quiet: a 401 is the caller's business (the sign-in form's).
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'UNAVAILABLE', 'ismsd-http cannot be reached; try again');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (res.ok) return { status: res.status, data, headers: res.headers };
  const err = new ApiError(res.status,
    (data && data.code) || 'HTTP_' + res.status,
    (data && data.message) || res.statusText || 'request failed');
  if (res.status === 401 && !opts.quiet) {
    session.user = null;
    hooks.unauthorized(err.message);
  } else if (res.status === 403) {
    hooks.forbidden(err.message);
  }
  throw err;
}

// loadSession(): true when the cookie names a live session (or a trusted
// proxy opened one), filling `session`.
export async function loadSession() {
  try {
    const r = await api('GET', '/v1/session', { quiet: true });
    Object.assign(session, r.data);
    return true;
  } catch (e) {
    if (e.status !== 401) throw e;
    session.user = null;
    return false;
  }
}

// A path with query parameters, absent ones (undefined, null) left out;
// an empty one stays ("level=" lists the records without a level).
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.append(k, v);
  const s = q.toString();
  return s ? path + '?' + s : path;
}
