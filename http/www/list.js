// list.js: #/r/REGISTER?filters, a register's records a page at a time
// (page_size 50, the server's page_token in X-Next-Page-Token), in the
// server's order, with `ismsctl list`'s filters: owner, status, tag,
// archived and any field=value. Editors get #new-record.
import { api, session, withQuery } from './api.js';
import { h, field, route, scroller, show, status, when, nest } from './dom.js';
import { REGISTERS, isRegister, atLeast, describe, HEADER_FIELDS } from './registers.js';

const PAGE = 50;
// A page may come back empty with a token (the server reads a bounded
// number of stored records per page): follow at most this many more.
const MAX_EMPTY = 20;
const NAMED = ['owner', 'status', 'tag', 'archived'];

// Pages loaded past the first: a reload would take them away.
let paged = false;

// Reload when a record of this register changes, unless a new record is
// being written or more pages were read (then say so instead).
export function concerns(ev, ctx) {
  if (ev.register !== ctx.params[0] || document.getElementById('new-form')) return false;
  if (paged) status(ev.id + ' changed (' + ev.type + '); open the list again to see it in place.');
  return !paged;
}
export const debounce = 500;

export async function render(ctx) {
  const reg = ctx.params[0];
  if (!isRegister(reg)) throw new Error('There is no register "' + reg + '".');
  const query = ctx.query;
  paged = false;
  const tbody = h('tbody');
  const [info, first] = await Promise.all([describe(reg).catch(() => null), loadPage(reg, query, '', tbody)]);
  const more = h('button', { type: 'button', id: 'next-page' }, 'Next ' + PAGE);
  const count = h('p', { class: 'meta', 'aria-live': 'polite' });
  let token = first;
  let shown = tbody.children.length;
  const paging = () => {
    more.hidden = !token;
    count.textContent = shown + (token ? ' shown; more follow' : shown === 1 ? ' record' : ' records');
  };
  paging();
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      token = await loadPage(reg, query, token, tbody);
      paged = true;
      shown = tbody.children.length;
      paging();
    } finally {
      more.disabled = false;
    }
  });
  const list = h('table', { id: 'list' }, h('caption', null, registerTitle(reg, query)),
    h('thead', null, h('tr', null, ['Id', 'Title', 'Status', 'Owner', 'Updated'].map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  ctx.show(
    h('h1', { tabindex: '-1' }, 'Register: ' + reg),
    picker(reg),
    filters(reg, query, info),
    atLeast(session.role, 'editor') ? newRecord(reg) : null,
    scroller('Records of ' + reg, list),
    count, more);
}

// One page into tbody; the next page's token ('' at the end).
async function loadPage(reg, query, token, tbody) {
  for (let i = 0; i <= MAX_EMPTY; i++) {
    const params = Object.fromEntries(query);
    params.page_size = PAGE;
    if (token) params.page_token = token;
    const r = await api('GET', withQuery('/v1/' + encodeURIComponent(reg), params));
    for (const rec of r.data) tbody.append(row(reg, rec));
    token = r.headers.get('X-Next-Page-Token') || '';
    if (r.data.length || !token) break;
  }
  return token;
}

function row(reg, rec) {
  const body = rec[reg] || {};
  return h('tr', { 'data-id': rec.id },
    h('td', null, h('a', { href: route('r', reg, rec.id) }, rec.id)),
    h('td', null, show(rec.title)),
    h('td', null, show(body.status)),
    h('td', null, show(rec.owner)),
    h('td', null, when(rec.updated_at)));
}

function registerTitle(reg, query) {
  const f = [...query].map(([k, v]) => k + '=' + v).join(', ');
  return 'Records of ' + reg + (f ? ' where ' + f : '');
}

// The register picker: every register, opened with its button.
function picker(reg) {
  const select = h('select', { name: 'register' },
    REGISTERS.map(([n]) => h('option', { value: n, selected: n === reg }, n)));
  const form = h('form', { class: 'inline', id: 'register-picker', 'aria-label': 'Register' },
    field('register-select', 'Register', select),
    h('button', { type: 'submit' }, 'Open'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = route('r', select.value);
  });
  return form;
}

// The filter form: its fields as `ismsctl list` takes them. The free
// field holds "field=value" words separated by spaces.
function filters(reg, query, info) {
  const owner = h('input', { name: 'owner', value: query.get('owner') || '' });
  const states = ((info && info.states) || []).map((s) => s.status);
  const state = h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
    states.map((s) => h('option', { value: s, selected: s === query.get('status') }, s)));
  const tag = h('input', { name: 'tag', value: query.get('tag') || '' });
  const archived = h('select', { name: 'archived' },
    ['live', 'archived', 'any'].map((a) => h('option', { value: a, selected: a === (query.get('archived') || 'live') }, a)));
  const extra = [...query].filter(([k]) => !NAMED.includes(k)).map(([k, v]) => k + '=' + v).join(' ');
  const free = h('input', { name: 'fields', value: extra, placeholder: 'level=high', 'aria-describedby': 'filters-help' });
  const form = h('form', { id: 'filters', class: 'filters', 'aria-label': 'Filters' },
    field('f-owner', 'Owner', owner), field('f-status', 'Status', state),
    field('f-tag', 'Tag', tag), field('f-archived', 'Archived', archived),
    field('f-fields', 'Fields (field=value …)', free),
    h('p', { id: 'filters-help', class: 'meta' }, 'Any field, derived ones too: level=high; "f=" means f is absent.'),
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (owner.value.trim()) q.append('owner', owner.value.trim());
    if (state.value) q.append('status', state.value);
    if (tag.value.trim()) q.append('tag', tag.value.trim());
    if (archived.value !== 'live') q.append('archived', archived.value);
    for (const word of free.value.trim().split(/\s+/).filter(Boolean)) {
      const i = word.indexOf('=');
      if (i > 0) q.append(word.slice(0, i), word.slice(i + 1));
    }
    const s = q.toString();
    location.hash = route('r', reg) + (s ? '?' + s : '');
  });
  return form;
}

// #new-record: a form for a new record in the register's initial state:
// title, owner and any other field as "field=value" lines (what
// `ismsctl add` takes).
function newRecord(reg) {
  const open = h('button', { type: 'button', id: 'new-record', 'aria-expanded': 'false' }, 'New ' + reg);
  const wrap = h('div', null, open);
  open.addEventListener('click', () => {
    if (document.getElementById('new-form')) return;
    open.setAttribute('aria-expanded', 'true');
    const title = h('input', { name: 'title', required: true });
    const owner = h('input', { name: 'owner', value: session.user });
    const more = h('textarea', { name: 'fields', rows: 4, placeholder: 'threat=theft\nlikelihood=3', 'aria-describedby': 'new-help' });
    const error = h('p', { role: 'alert', class: 'error', id: 'new-error' });
    const form = h('form', { id: 'new-form', class: 'card' },
      h('h2', null, 'New ' + reg),
      field('new-title', 'Title', title), field('new-owner', 'Owner', owner),
      field('new-fields', 'Other fields, one field=value a line', more),
      h('p', { id: 'new-help', class: 'meta' }, 'As ismsctl add takes them: ismsctl help ' + reg + ' lists the fields.'),
      h('button', { type: 'submit', id: 'new-save' }, 'Create'), ' ',
      h('button', { type: 'button', onclick: () => { form.remove(); open.setAttribute('aria-expanded', 'false'); open.focus(); } }, 'Cancel'),
      error);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const pairs = [['title', title.value], ['owner', owner.value]];
      for (const line of more.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
        const i = line.indexOf('=');
        if (i <= 0) {
          error.textContent = 'Not field=value: ' + line;
          return;
        }
        const key = line.slice(0, i).trim();
        const top = HEADER_FIELDS.has(key) || key.startsWith(reg + '.');
        pairs.push([top ? key : reg + '.' + key, line.slice(i + 1).trim()]);
      }
      try {
        const r = await api('POST', '/v1/' + encodeURIComponent(reg), { body: nest(pairs) });
        location.hash = route('r', reg, r.data.id);
      } catch (err) {
        error.textContent = err.message;
      }
    });
    wrap.append(form);
    title.focus();
  });
  return wrap;
}
