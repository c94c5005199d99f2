// login.js: #/login, the sign-in form (POST /v1/session). A trusted
// proxy's user is signed in by GET /v1/session before this page shows.
import { api, session, loadSession } from './api.js';
import { h, field, status } from './dom.js';
import * as live from './live.js';

// The field to start in.
export const focus = '#login-user';

export async function render(ctx) {
  const next = ctx.query.get('next') || '';
  const go = () => {
    location.hash = next.startsWith('#/') && !next.startsWith('#/login') ? next : '#/mywork';
  };
  // Already signed in (or by the proxy): straight on.
  if (session.user || (await loadSession())) {
    go();
    return;
  }
  live.stop();
  const user = h('input', { name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { id: 'login-error', role: 'alert', class: 'error' });
  const submit = h('button', { id: 'login-submit', type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'login', novalidate: true },
    field('login-user', 'User name', user),
    field('login-password', 'Password', password),
    submit, error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!user.value || !password.value) {
      error.textContent = 'Give your user name and password.';
      return;
    }
    submit.disabled = true;
    try {
      const r = await api('POST', '/v1/session', { body: { user: user.value, password: password.value }, quiet: true });
      Object.assign(session, r.data);
      password.value = '';
      status('');
      go();
    } catch (err) {
      error.textContent = err.message;
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  ctx.show(h('h1', { tabindex: '-1' }, 'Sign in'), form);
}
