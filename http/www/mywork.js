// mywork.js: #/mywork, what the signed-in user owns: records waiting for
// their sign-off (one click each, with an optional note; the server
// stamps the signer) and what is due or overdue (GET /v1/mywork).
import { api, session } from './api.js';
import { h, route, scroller, show, status, table, when } from './dom.js';
import { verbLabel } from './registers.js';

export const debounce = 400;

// Reload on any change to a record of the user's, or a sign-off, unless
// a note is being written (it would be lost).
export function concerns(ev) {
  const typing = [...document.querySelectorAll('textarea.signoff-note')].some((t) => t.value);
  return !typing && (ev.owner === session.user || ev.type === 'signed' || ev.actor === session.user);
}

export async function render(ctx) {
  const { data } = await api('GET', '/v1/mywork');
  const due = Array.isArray(data.due) ? data.due : (data.due && data.due.items) || [];
  const signoffs = data.signoffs || [];
  ctx.show(
    h('h1', { tabindex: '-1' }, 'My work'),
    h('section', { 'aria-labelledby': 'mywork-signoffs-h' },
      h('h2', { id: 'mywork-signoffs-h' }, 'Waiting for your sign-off'),
      signoffs.length
        ? h('ul', { id: 'mywork-signoffs', class: 'cards' }, signoffs.map(signoffItem))
        : h('p', { id: 'mywork-signoffs' }, 'Nothing waits for your sign-off.')),
    h('section', { 'aria-labelledby': 'mywork-due-h' },
      h('h2', { id: 'mywork-due-h' }, 'Due and overdue'),
      due.length
        ? scroller('Due and overdue', table({ id: 'mywork-due' }, null, ['Record', 'Title', 'What', 'Date', 'State'],
          due.map((d) => h('tr', { class: d.overdue ? 'overdue' : null },
            h('td', null, h('a', { href: route('r', d.register, d.id) }, d.id)),
            h('td', null, show(d.title)), h('td', null, show(d.kind)), h('td', null, show(d.date)),
            h('td', null, d.overdue ? 'overdue' : 'due')))))
        : h('p', { id: 'mywork-due' }, 'Nothing of yours is due in the next 30 days.')));
}

// One record waiting for a sign-off: its title, a note and the verb.
function signoffItem(s) {
  const rec = s.record || {};
  const body = rec[s.register] || {};
  const noteId = 'note-' + rec.id;
  const note = h('textarea', { id: noteId, class: 'signoff-note', rows: 2 });
  const button = h('button', { type: 'button', class: 'signoff' }, verbLabel(s.verb));
  const li = h('li', { 'data-signoff': rec.id },
    h('p', null, h('a', { href: route('r', s.register, rec.id) }, rec.id), ' ', show(rec.title)),
    h('p', { class: 'meta' }, s.register + ' · status ' + show(body.status) +
      (body.level ? ' · level ' + body.level : '') + ' · updated ' + when(rec.updated_at)),
    h('label', { for: noteId }, 'Note for ' + rec.id + ' (optional)'), note, button);
  button.addEventListener('click', async () => {
    button.disabled = true;
    const req = { verb: s.verb, expect_rev: rec.rev };
    if (note.value.trim()) req.note = note.value.trim();
    try {
      await api('POST', '/v1/' + encodeURIComponent(s.register) + '/' + encodeURIComponent(rec.id) + '/signoff', { body: req });
      const list = li.parentNode;
      li.remove();
      if (list && !list.children.length) list.replaceWith(h('p', { id: 'mywork-signoffs' }, 'Nothing waits for your sign-off.'));
      status(rec.id + ': ' + s.verb + ' done, signed by ' + session.user + '.');
      document.querySelector('#view h1').focus();
    } catch (e) {
      button.disabled = false;
      if (e.status !== 403) status(rec.id + ': ' + e.message, 'error');
    }
  });
  return li;
}
