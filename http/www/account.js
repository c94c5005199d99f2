// account.js: #/account, who is signed in and the password change (POST
// /v1/session/password). Changing it ends every session of the user, so
// the browser goes back to the sign-in page.
import { api, session } from './api.js';
import { h, field, status, when } from './dom.js';

export async function render(ctx) {
  const old = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const pw = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 12, 'aria-describedby': 'pw-help' });
  const pw2 = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const error = h('p', { id: 'pw-error', role: 'alert', class: 'error' });
  const form = h('form', { id: 'pw-form', class: 'card', novalidate: true },
    h('h2', null, 'Change your password'),
    // For password managers: whose password this is.
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: session.user, hidden: true, readonly: true }),
    field('pw-old', 'Current password', old),
    field('pw-new', 'New password', pw),
    h('p', { id: 'pw-help', class: 'meta' }, '12 to 256 characters, not your user name. Every session of yours ends: you sign in again.'),
    field('pw-new2', 'New password again', pw2),
    h('button', { type: 'submit', id: 'pw-submit' }, 'Change password'), error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    if (pw.value !== pw2.value) {
      error.textContent = 'The two new passwords differ.';
      return;
    }
    if (pw.value.length < 12) {
      error.textContent = 'The new password needs at least 12 characters.';
      return;
    }
    try {
      await api('POST', '/v1/session/password', { body: { old_password: old.value, password: pw.value }, quiet: true });
      session.user = null;
      session.csrf = '';
      status('Your password is changed; sign in with the new one.', 'info', true);
      location.hash = '#/login';
    } catch (err) {
      error.textContent = err.message;
    }
  });
  ctx.show(h('h1', { tabindex: '-1' }, 'Account'),
    h('dl', { class: 'facts' },
      h('dt', null, 'User'), h('dd', null, session.user),
      h('dt', null, 'Name'), h('dd', null, session.display_name || '—'),
      h('dt', null, 'Role'), h('dd', null, session.role),
      h('dt', null, 'Session ends'), h('dd', null, when(session.expires_at))),
    form);
}
