// record.js: #/r/REGISTER/ID, one record: its fields (nested ones as
// dotted paths), its links both ways, its history as a diff (auditor and
// up), a sign-off when the user may give it, and editing for editors.
// An edit PATCHes only the changed paths under If-Match: "rev"; a stale
// rev shows #conflict with the server's message and never overwrites.
import { api, session } from './api.js';
import { h, field, flatten, nest, route, show, status, table, when } from './dom.js';
import { atLeast, describe, registerOf, serverPaths, signoffStates, verbLabel, HEADER_FIELDS, SERVER_FIELDS } from './registers.js';
import { historyView } from './history.js';

// Reload when this record changes, unless it is being edited (the save
// then meets the new rev and shows the conflict).
export function concerns(ev, ctx) {
  if (ev.id !== ctx.params[1]) return false;
  if (document.getElementById('edit-form')) {
    status(ev.id + ' was changed by ' + ev.actor + ' (rev ' + ev.rev + ') while you edit it.', 'info');
    return false;
  }
  return true;
}

export async function render(ctx) {
  const [reg, id] = ctx.params;
  const base = '/v1/' + encodeURIComponent(reg) + '/' + encodeURIComponent(id);
  const mayAudit = atLeast(session.role, 'auditor');
  const [rec, info, links, revs] = await Promise.all([
    api('GET', base).then((r) => r.data),
    describe(reg).catch(() => null),
    api('GET', base + '/links').then((r) => r.data).catch(() => null),
    mayAudit ? api('GET', base + '/history').then((r) => r.data).catch(() => null) : null,
  ]);
  const readOnly = readOnlyOf(reg, info);
  const body = rec[reg] || {};
  const editBox = h('div', { id: 'edit-box' });
  ctx.show(
    h('h1', { tabindex: '-1' }, rec.id + ' ', h('span', { class: 'sub' }, show(rec.title))),
    h('p', { class: 'meta' }, h('a', { href: route('r', reg) }, reg), ' · status ' + show(body.status) +
      ' · rev ' + rec.rev + ' · updated ' + when(rec.updated_at) + ' by ' + show(rec.updated_by)),
    signoffBox(reg, rec, info, ctx),
    atLeast(session.role, 'editor')
      ? h('p', null, h('button', { type: 'button', id: 'edit', onclick: () => openEdit(editBox, reg, rec, info, readOnly, ctx) }, 'Edit'))
      : null,
    editBox,
    h('section', { 'aria-labelledby': 'fields-h' }, h('h2', { id: 'fields-h' }, 'Fields'),
      table({ id: 'record-fields' }, null, ['Field', 'Value'],
        flatten(rec).filter(([p]) => p !== 'links').map(([p, v]) =>
          h('tr', { class: readOnly(p) ? 'ro' : null }, h('th', { scope: 'row' }, p), h('td', null, show(v)))))),
    linksBox(rec, links),
    mayAudit ? historyView(revs) : null);
}

// readOnlyOf(reg, info)(path): whether the server writes that path.
function readOnlyOf(reg, info) {
  const server = serverPaths(reg, info);
  return (path) => {
    if (SERVER_FIELDS.has(path.split('.')[0])) return true;
    for (let p = path; p.includes('.'); p = p.slice(0, p.lastIndexOf('.'))) if (server.has(p)) return true;
    return false;
  };
}

function linksBox(rec, links) {
  const out = (links && links.outgoing) || rec.links || [];
  const inc = (links && links.incoming) || [];
  // The other end: an incoming link's source (the route spells out both
  // ends; LinksResult alone names the other record as target).
  const item = (l, dir) => {
    const other = dir === 'in' && l.source ? l.source : l.target;
    const reg = registerOf(other);
    const a = reg ? h('a', { href: route('r', reg, other) }, other) : other;
    return h('li', null, dir === 'out' ? [l.rel, ' → ', a] : [a, ' ', l.rel, ' → this']);
  };
  return h('section', { id: 'record-links', 'aria-labelledby': 'links-h' }, h('h2', { id: 'links-h' }, 'Links'),
    h('h3', null, 'From this record'),
    out.length ? h('ul', { class: 'plain' }, out.map((l) => item(l, 'out'))) : h('p', null, 'None.'),
    h('h3', null, 'To this record'),
    !links ? h('p', null, 'Not known (the links route did not answer).')
      : inc.length ? h('ul', { class: 'plain' }, inc.map((l) => item(l, 'in'))) : h('p', null, 'None.'));
}

// The sign-off (#signoff) for the owner or an admin when the record is in
// a state the register's verb may be given from; nothing for others.
function signoffBox(reg, rec, info, ctx) {
  const status0 = (rec[reg] || {}).status;
  if (!info || !info.signoff_verb || !signoffStates(info).has(status0)) return null;
  if (rec.owner !== session.user && session.role !== 'admin') return null;
  const verb = info.signoff_verb;
  const note = h('textarea', { rows: 2, class: 'signoff-note' });
  const until = verb === 'accept' ? h('input', { type: 'date' }) : null;
  const button = h('button', { type: 'button', id: 'signoff', class: 'signoff' }, verbLabel(verb));
  button.addEventListener('click', async () => {
    button.disabled = true;
    const req = { verb, expect_rev: rec.rev };
    if (note.value.trim()) req.note = note.value.trim();
    if (until && until.value) req.until = until.value;
    try {
      await api('POST', '/v1/' + encodeURIComponent(reg) + '/' + encodeURIComponent(rec.id) + '/signoff', { body: req });
      status(rec.id + ': ' + verb + ' done, signed by ' + session.user + '.');
      ctx.reload();
    } catch (e) {
      button.disabled = false;
      if (e.status !== 403) status(rec.id + ': ' + e.message, 'error');
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'signoff-h' },
    h('h2', { id: 'signoff-h' }, 'Waiting for your sign-off'),
    field('signoff-note', 'Note (optional)', note),
    until ? field('signoff-until', 'Accepted until (optional)', until) : null,
    button);
}

// The edit form: an input per editable path (present ones, title and
// owner, and the evidence paths of the register's states), the status as
// the moves allow, and free field=value lines.
function openEdit(box, reg, rec, info, readOnly, ctx) {
  if (document.getElementById('edit-form')) return;
  const values = new Map(flatten(rec).filter(([p]) => p !== 'links' && !readOnly(p)));
  for (const p of ['title', 'owner']) if (!values.has(p)) values.set(p, null);
  for (const st of (info && info.states) || [])
    for (const e of st.evidence || [])
      if (/^[a-z_]+(\.[a-z_]+)*$/.test(e) && !readOnly(reg + '.' + e) && !values.has(reg + '.' + e)) values.set(reg + '.' + e, null);
  const inputs = [];
  const rows = [];
  for (const [path, v] of values) {
    const control = path === reg + '.status' ? statusSelect(info, v) : inputFor(v);
    control.name = path;
    control.dataset.initial = control.value;
    control.dataset.kind = Array.isArray(v) ? 'list' : typeof v === 'number' ? 'number' : 'text';
    inputs.push(control);
    rows.push(field('e-' + path.replace(/\./g, '-'), path, control));
  }
  const free = h('textarea', { rows: 2, 'aria-describedby': 'edit-help' });
  const error = h('p', { id: 'edit-error', role: 'alert', class: 'error' });
  const conflict = h('div', { id: 'conflict-box' });
  const form = h('form', { id: 'edit-form', class: 'card' },
    h('h2', null, 'Edit ' + rec.id + ' (rev ' + rec.rev + ')'), rows,
    field('e-free', 'Other fields, one field=value a line', free),
    h('p', { id: 'edit-help', class: 'meta' }, 'An empty value clears a field; lists take comma-separated words.'),
    conflict, error,
    h('button', { type: 'submit', id: 'save' }, 'Save'), ' ',
    h('button', { type: 'button', id: 'edit-cancel', onclick: () => { form.remove(); document.getElementById('edit').focus(); } }, 'Cancel'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const pairs = inputs.filter((i) => i.value !== i.dataset.initial).map((i) => [i.name, valueOf(i)]);
    for (const line of free.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
      const at = line.indexOf('=');
      if (at <= 0) {
        error.textContent = 'Not field=value: ' + line;
        return;
      }
      const key = line.slice(0, at).trim();
      const top = key.startsWith(reg + '.') || HEADER_FIELDS.has(key);
      pairs.push([top ? key : reg + '.' + key, line.slice(at + 1).trim() || null]);
    }
    if (!pairs.length) {
      error.textContent = 'Nothing changed.';
      return;
    }
    const path = '/v1/' + encodeURIComponent(reg) + '/' + encodeURIComponent(rec.id);
    try {
      const r = await api('PATCH', path, { body: nest(pairs), headers: { 'If-Match': '"' + rec.rev + '"' } });
      form.remove();
      status('Saved ' + rec.id + ' (rev ' + r.data.rev + ').');
      ctx.reload();
    } catch (err) {
      if (err.status === 412 || err.status === 409) showConflict(conflict, err, ctx);
      else if (err.status !== 403) error.textContent = err.message;
    }
  });
  box.append(form);
  inputs[0].focus();
}

// #conflict: the server's message and a reload; the edits stay in the
// form (to copy) and are never sent again by themselves.
function showConflict(box, err, ctx) {
  const reload = h('button', { type: 'button', id: 'conflict-reload' }, 'Reload the record (your edits are dropped)');
  reload.addEventListener('click', () => {
    document.getElementById('edit-form').remove();
    ctx.reload();
  });
  box.replaceChildren(h('div', { id: 'conflict', role: 'alert', class: 'conflict' },
    h('p', null, 'Not saved: the record changed since you opened it. ', err.message), reload));
  reload.focus();
}

function inputFor(v) {
  if (typeof v === 'boolean')
    return h('select', null, ['', 'true', 'false'].map((o) => h('option', { value: o, selected: String(v) === o }, o || '—')));
  const text = Array.isArray(v) ? v.join(', ') : v === null || v === undefined ? '' : String(v);
  if (typeof v === 'number') return h('input', { type: 'number', value: text });
  if (text.length > 80 || text.includes('\n')) return h('textarea', { rows: 3 }, text);
  return h('input', { value: text });
}

// The status select: the current state and those a set may move to
// (states a sign-off enters are the sign-off's, not set's).
function statusSelect(info, current) {
  const states = (info && info.states) || [];
  const here = states.find((s) => s.status === current);
  const signed = new Set(states.filter((s) => s.signed_by).map((s) => s.status));
  const to = ((here && here.moves_to) || []).filter((s) => !signed.has(s));
  return h('select', null, [current, ...to].filter(Boolean).map((s) => h('option', { value: s, selected: s === current }, s)));
}

// A control's value as the JSON body takes it: empty clears (null).
function valueOf(i) {
  const v = i.value.trim();
  if (v === '') return null;
  if (i.dataset.kind === 'list') return v.split(',').map((x) => x.trim()).filter(Boolean);
  if (i.dataset.kind === 'number' && Number.isFinite(Number(v))) return Number(v);
  if (v === 'true' || v === 'false') return i.tagName === 'SELECT' ? v === 'true' : v;
  return v;
}
