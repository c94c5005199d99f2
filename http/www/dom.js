// dom.js: building the page from data without HTML parsing. Every text
// that comes from the server goes in through text nodes or attributes,
// never innerHTML, so a record field cannot inject markup or script.

// h(tag, attrs, ...children): a new element. attrs: attributes by name
// (false/null/undefined left out, true as an empty attribute), "onX"
// functions as event listeners; children: nodes, strings (text nodes),
// arrays of either, null and false skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function')
      el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  add(el, children);
  return el;
}

// add(el, children): appends children as h() takes them.
export function add(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// A link to a hash route built from parts (each part encoded).
export function route(...parts) {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

// A value as the text a person reads: lists joined, absent as a dash.
export function show(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v))
    return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : x)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// flatten(obj): [[path, value]] with nested objects as dotted paths
// ("risk.acceptance.by"); arrays stay values.
export function flatten(obj, prefix = '', out = []) {
  for (const [k, v] of Object.entries(obj || {})) {
    const path = prefix ? prefix + '.' + k : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, path, out);
    else out.push([path, v]);
  }
  return out;
}

// nest(pairs): the object a JSON body takes from [[dotted path, value]].
export function nest(pairs) {
  const out = {};
  for (const [path, value] of pairs) {
    const keys = path.split('.');
    let o = out;
    for (const k of keys.slice(0, -1)) o = o[k] = o[k] && typeof o[k] === 'object' ? o[k] : {};
    o[keys[keys.length - 1]] = value;
  }
  return out;
}

// A table with a caption, column headers (scope=col) and rows of cells;
// a row may be a <tr> already.
export function table(attrs, caption, headers, rows) {
  return h('table', attrs,
    caption ? h('caption', null, caption) : null,
    h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.map((r) => (r instanceof Node ? r : h('tr', null, r.map((c) => h('td', null, c)))))));
}

// A labelled form control: [label, control] with the label's for set.
export function field(id, label, control) {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

// The time as "YYYY-MM-DD HH:MM" from ISO 8601 (UTC as the server says).
export function when(iso) {
  return typeof iso === 'string' ? iso.replace('T', ' ').replace(/:\d\dZ$/, 'Z') : show(iso);
}

// status(text, kind): a message in #status (role="status"), kind
// "error" or "info"; empty text clears it.
let keep = false;
export function status(text, kind, keepOnNavigation) {
  keep = Boolean(text && keepOnNavigation);
  const el = document.getElementById('status');
  el.textContent = text || '';
  el.className = text ? 'msg ' + (kind || 'info') : '';
}

// clearStatus(): on navigation, clears #status unless the message was
// meant for the next page (status(text, kind, true)).
export function clearStatus() {
  if (keep) keep = false;
  else status('');
}

// A horizontally scrolling region for a wide table, reachable by
// keyboard (a scrollable region must be focusable).
export function scroller(label, content) {
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': label }, content);
}
