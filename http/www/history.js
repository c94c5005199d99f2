// history.js: #history on a record page (auditor and up): its revisions
// (GET /v1/REG/ID/history, oldest first) and the diff between two of
// them, picked with two labelled selects.
import { h, field, flatten, scroller, show, table, when } from './dom.js';

export function historyView(revs) {
  const box = h('section', { id: 'history', 'aria-labelledby': 'history-h' }, h('h2', { id: 'history-h' }, 'History'));
  if (!revs || !revs.length) return add(box, h('p', null, 'No history could be read.'));
  const opts = (sel) => revs.map((r, i) => h('option', { value: i, selected: i === sel }, 'rev ' + r.rev + ' · ' + when(r.updated_at) + ' · ' + show(r.updated_by)));
  const from = h('select', { name: 'from' }, opts(Math.max(0, revs.length - 2)));
  const to = h('select', { name: 'to' }, opts(revs.length - 1));
  const out = h('div', { 'aria-live': 'polite' });
  const draw = () => out.replaceChildren(diff(revs[from.value], revs[to.value]));
  from.addEventListener('change', draw);
  to.addEventListener('change', draw);
  draw();
  return add(box,
    scroller('Revisions', table({ id: 'revisions' }, null, ['Rev', 'When', 'Who', 'Changed'],
      revs.map((r, i) => [String(r.rev), when(r.updated_at), show(r.updated_by),
        i ? changed(revs[i - 1], r).join(', ') || '—' : 'created']))),
    h('div', { class: 'inline' }, field('rev-from', 'From', from), field('rev-to', 'To', to)),
    out);
}

function add(el, ...kids) {
  el.append(...kids);
  return el;
}

// The paths whose values differ, the bookkeeping fields left out.
function changed(a, b) {
  const skip = new Set(['rev', 'updated_at', 'updated_by']);
  const fa = new Map(flatten(a));
  const fb = new Map(flatten(b));
  const paths = new Set([...fa.keys(), ...fb.keys()]);
  return [...paths].filter((p) => !skip.has(p) && JSON.stringify(fa.get(p)) !== JSON.stringify(fb.get(p)));
}

function diff(a, b) {
  const paths = changed(a, b);
  if (!paths.length) return h('p', { id: 'diff' }, 'No field differs between rev ' + a.rev + ' and rev ' + b.rev + '.');
  const fa = new Map(flatten(a));
  const fb = new Map(flatten(b));
  return scroller('Differences', table({ id: 'diff', class: 'diff' }, 'Rev ' + a.rev + ' → rev ' + b.rev, ['Field', 'Rev ' + a.rev, 'Rev ' + b.rev],
    paths.map((p) => h('tr', null, h('th', { scope: 'row' }, p),
      h('td', { class: 'old' }, show(fa.get(p))), h('td', { class: 'new' }, show(fb.get(p)))))));
}
