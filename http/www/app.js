// app.js: the router and the session. A hash route picks a view module
// from ROUTES; the view renders into #view from the JSON API. While a view
// loads, body[data-ready] is cleared; it is set to "1" (and #view's too)
// once the data is shown, which the browser tests and the benchmark wait
// for. Live events (live.js) make the current view reload if concerned.
import { api, session, loadSession, setHooks } from './api.js';
import { h, status, clearStatus } from './dom.js';
import * as live from './live.js';
import * as login from './login.js';
import * as mywork from './mywork.js';
import * as dashboard from './dashboard.js';
import * as list from './list.js';
import * as record from './record.js';
import * as journal from './journal.js';
import * as soa from './soa.js';
import * as gap from './gap.js';
import * as reports from './reports.js';
import * as account from './account.js';

// One row per route: the hash path's pattern, its view, and whether it
// needs no session. A view exports render(ctx) and may export
// concerns(event, ctx) (reload on this live event?) and debounce (ms).
const ROUTES = [
  { re: /^\/login$/, view: login, open: true },
  { re: /^\/mywork$/, view: mywork },
  { re: /^\/dashboard$/, view: dashboard },
  { re: /^\/r\/([a-z_]+)$/, view: list },
  { re: /^\/r\/([a-z_]+)\/([^/]+)$/, view: record },
  { re: /^\/journal$/, view: journal },
  { re: /^\/soa$/, view: soa },
  { re: /^\/gap$/, view: gap },
  { re: /^\/reports$/, view: reports },
  { re: /^\/account$/, view: account },
];
const HOME = '#/mywork';

const viewRoot = () => document.getElementById('view');
let navSeq = 0;
let current = null;
let reloadTimer = null;

// The hash as {path, query}: "#/r/risk?owner=alice".
function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const i = raw.indexOf('?');
  const path = i < 0 ? raw : raw.slice(0, i);
  return { path, query: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

let shown = false;
function setReady(on) {
  const root = viewRoot();
  shown = on;
  if (on) {
    document.body.dataset.ready = '1';
    root.dataset.ready = '1';
  } else {
    delete document.body.dataset.ready;
    delete root.dataset.ready;
  }
}

// The nav as the session has it: shown when signed in, the current page
// marked with aria-current.
function updateChrome(path) {
  const nav = document.getElementById('nav');
  nav.hidden = !session.user;
  document.getElementById('whoami').textContent = session.user
    ? (session.display_name && session.display_name !== session.user ? session.display_name + ' · ' : '') +
      session.user + ' (' + session.role + ')' : '';
  for (const a of nav.querySelectorAll('a')) {
    const target = a.getAttribute('href').slice(1);
    const here = path === target || (target.startsWith('/r/') && path.startsWith('/r/'));
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// Renders the route of the hash. reload: the same page again (after a
// live event): focus and scroll stay where they are.
async function show(reload) {
  const { path, query } = parseHash();
  let params = null;
  const entry = ROUTES.find((r) => (params = path.match(r.re)));
  if (!entry) {
    location.replace(session.user ? HOME : '#/login');
    return;
  }
  const seq = ++navSeq;
  if (!reload) {
    clearTimeout(reloadTimer);
    reloadTimer = null;
  }
  setReady(false);
  if (!entry.open && !session.user) {
    let ok = false;
    try {
      ok = await loadSession();
    } catch (e) {
      status(e.message, 'error');
    }
    if (seq !== navSeq) return;
    if (!ok) {
      toLogin();
      return;
    }
  }
  if (session.user) live.start(onEvent);
  updateChrome(path);
  if (!reload) clearStatus();
  const ctx = {
    params: params.slice(1).map(decodeURIComponent),
    query,
    stale: () => seq !== navSeq,
    // show(...nodes): replaces the view's content unless a newer
    // navigation started meanwhile.
    show(...nodes) {
      if (seq !== navSeq) return;
      const focused = document.activeElement && document.activeElement.id;
      viewRoot().replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
      // A reload keeps the keyboard where it was when it can.
      const again = reload && focused && document.getElementById(focused);
      if (again && viewRoot().contains(again)) again.focus({ preventScroll: true });
    },
    reload: () => show(true),
  };
  current = { entry, ctx };
  try {
    await entry.view.render(ctx);
  } catch (e) {
    if (seq !== navSeq) return;
    if (e.status === 401) return;
    ctx.show(h('h1', { tabindex: '-1' }, 'This page could not be shown'),
      h('p', { class: 'error' }, e.message));
  }
  if (seq !== navSeq) return;
  setReady(true);
  if (!reload) {
    const first = viewRoot().querySelector(entry.view.focus || 'h1');
    if (first) first.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
}

// To the sign-in page, coming back here afterwards.
function toLogin() {
  live.stop();
  session.user = null;
  updateChrome('/login');
  if (location.hash.startsWith('#/login')) return;
  const back = location.hash && !location.hash.startsWith('#/login') ? location.hash : '';
  location.hash = '#/login' + (back ? '?next=' + encodeURIComponent(back) : '');
}

// A live event: the current view reloads if it shows what changed.
function onEvent(ev) {
  if (!current || !current.entry.view.concerns) return;
  if (!current.entry.view.concerns(ev, current.ctx)) return;
  // At most one reload per `debounce` ms, so a burst of changes (an
  // import) costs a few reloads, and a steady stream still shows.
  if (reloadTimer) return;
  const wait = current.entry.view.debounce || 0;
  const fire = () => {
    // Someone typing in the view keeps what they typed: later.
    if (typing()) {
      reloadTimer = setTimeout(fire, Math.max(wait, 1000));
      return;
    }
    reloadTimer = null;
    current.ctx.reload();
  };
  reloadTimer = setTimeout(fire, wait);
}

// Whether the focus is in a form control of the view.
function typing() {
  const el = document.activeElement;
  return Boolean(el && viewRoot().contains(el) && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

async function logout() {
  try {
    await api('DELETE', '/v1/session');
  } catch (e) {
    if (e.status !== 401) {
      status(e.message, 'error');
      return;
    }
  }
  session.user = null;
  session.csrf = '';
  live.stop();
  location.hash = '#/login';
}

setHooks({
  unauthorized: () => toLogin(),
  forbidden: (message) => status(message, 'error'),
});

// The flag tells the truth: cleared from outside while the view is shown
// and idle (a script about to move to the hash the page is already at,
// which fires no hashchange), it is set again. A real navigation clears
// `shown` first (its hashchange runs before this timer).
new MutationObserver(() => {
  if (!shown || document.body.dataset.ready) return;
  setTimeout(() => {
    if (shown && !document.body.dataset.ready) setReady(true);
  }, 50);
}).observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });

// The skip link moves the focus, not the hash (the hash is the route).
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
document.getElementById('logout').addEventListener('click', logout);
window.addEventListener('hashchange', () => show(false));
show(false);
