// lib.mjs: what the browser tests share: headless Debian chromium through
// puppeteer-core, named steps whose failures say which step and which
// check, waits with deadlines (never fixed sleeps), sign-in, moving
// between the UI's hash routes, axe-core on every page shown, and
// ismsctl and plain HTTP beside the browser.
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);

// The environment browser_ui.sh gives (see there).
export const env = {
  url: need('ISMS_UI_URL'), // http://127.0.0.1:PORT, the gateway
  ctl: need('ISMSCTL'), // build/bin/ismsctl, on ISMS_ENDPOINT
  shots: need('ISMS_UI_SHOTS'), // where the screenshots go
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`FAIL: ${name} is not set (run tests/integration/browser_ui.sh)`);
    process.exit(2);
  }
  return v;
}

export const WAIT_MS = 10000; // the longest any one wait may take
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let current = '(start)';
let failures = 0;
let checks = 0;

// check(cond, what): one assertion of the current step.
export function check(cond, what) {
  checks++;
  if (!cond) {
    failures++;
    console.log(`FAIL [${current}]: ${what}`);
  }
  return cond;
}

// step(name, fn): runs fn; a throw (a wait that timed out, a click on
// nothing) fails the step with its message, and the next step runs.
export async function step(name, fn) {
  current = name;
  const t0 = Date.now();
  const before = failures;
  console.log(`== ${name}`);
  try {
    await fn();
  } catch (e) {
    failures++;
    console.log(`FAIL [${name}]: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
  const ms = Date.now() - t0;
  console.log(`${failures === before ? 'ok  ' : 'FAIL'} ${name} (${ms} ms)`);
}

// done(): the counts, and the exit code.
export function done(browser) {
  console.log(`browser_ui: ${checks} checks, ${failures} failed`);
  return browser.close().finally(() => process.exit(failures ? 1 : 0));
}

// A watchdog: the whole run is bounded, and says where it stood.
export function watchdog(seconds) {
  const t = setTimeout(() => {
    console.log(`FAIL [${current}]: the browser test took over ${seconds} s`);
    process.exit(1);
  }, seconds * 1000);
  t.unref();
}

// launch(): headless Debian chromium; no sandbox when root (it refuses).
export function launch() {
  const args = ['--headless=new', '--disable-gpu', '--no-first-run',
    '--no-default-browser-check', '--disable-dev-shm-usage'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  return puppeteer.launch({
    executablePath: env.chromium,
    headless: true,
    args,
    defaultViewport: { width: 1280, height: 900 },
  });
}

// page(browser, viewport): a page in a context of its own (its own
// cookies), whose uncaught errors and CSP refusals fail the step they
// happen in.
export async function newPage(browser, viewport) {
  const ctx = await browser.createBrowserContext();
  const p = await ctx.newPage();
  if (viewport) await p.setViewport(viewport);
  p.setDefaultTimeout(WAIT_MS);
  p.on('pageerror', (e) => check(false, `uncaught error in the page: ${e.message}`));
  p.on('console', (m) => {
    const t = m.text();
    if (/Content Security Policy/i.test(t)) check(false, `CSP refused something: ${t}`);
  });
  return p;
}

// waitFor(page, what, fn, ...args): waits until fn (run in the page)
// returns true; on timeout throws naming what it waited for.
export async function waitFor(page, what, fn, ...args) {
  try {
    await page.waitForFunction(fn, { timeout: WAIT_MS, polling: 50 }, ...args);
  } catch (e) {
    const hash = await page.evaluate(() => location.hash).catch(() => '?');
    throw new Error(`waited ${WAIT_MS / 1000} s for ${what} (page at ${hash})`);
  }
}

// ready(page, route, sel): the view of route shows its data: the hash is
// route, body[data-ready="1"] and sel is there.
export function ready(page, route, sel) {
  return waitFor(page, `${route} ready with ${sel}`, (r, s) =>
    location.hash === r && document.body.dataset.ready === '1' &&
    document.querySelector(s) !== null, route, sel);
}

// go(page, route, sel): moves to route in the same document (a hash
// change, no reload) and waits for it; data-ready is cleared first so
// that the previous view's "1" is not taken for this one's. Already
// there: waits for it as it is.
export async function go(page, route, sel) {
  await page.evaluate((r) => {
    if (location.hash === r) return;
    delete document.body.dataset.ready;
    location.hash = r;
  }, route);
  await ready(page, route, sel);
  await axe(page, route);
}

// signIn(page, user, password): the sign-in form, then a view of the
// signed-in user.
export async function signIn(page, user, password) {
  const t0 = Date.now();
  await page.goto(`${env.url}/ui/#/login`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#login-user', { visible: true });
  await axe(page, '#/login');
  await page.$eval('#login-user', (e) => { e.value = ''; });
  await page.$eval('#login-password', (e) => { e.value = ''; });
  await page.type('#login-user', user);
  await page.type('#login-password', password);
  await page.click('#login-submit');
  await waitFor(page, `${user} signed in (#whoami shown, a view ready)`, () =>
    !location.hash.startsWith('#/login') && document.body.dataset.ready === '1' &&
    (document.querySelector('#whoami')?.textContent || '').trim() !== '');
  const who = await page.evaluate(async () => (await fetch('/v1/session')).json());
  check(who.user === user, `GET /v1/session names ${user} (${JSON.stringify(who)})`);
  console.log(`signed in as ${user} in ${Date.now() - t0} ms`);
  await axe(page, `${await page.evaluate(() => location.hash)} after sign-in`);
  return who;
}

// axe(page, what): axe-core on the page as shown (once per route, width
// and user); serious and critical violations fail, with their rule ids
// and nodes. The script goes in
// through the DevTools protocol: the UI's CSP (script-src 'self') refuses
// an inline <script> such as addScriptTag would add.
const axed = new Set(); // pages checked: hash, width and who
export async function axe(page, what) {
  const key = await page.evaluate(() => [location.hash, window.innerWidth,
    document.querySelector('#whoami')?.textContent || ''].join(' '));
  if (axed.has(key)) return;
  axed.add(key);
  if (!(await page.evaluate(() => typeof window.axe === 'object')))
    await page.evaluate(axeSource);
  const v = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((x) => ({
      id: x.id, impact: x.impact, help: x.help,
      nodes: x.nodes.map((n) => n.target.join(' ')),
    }));
  });
  const bad = v.filter((x) => x.impact === 'serious' || x.impact === 'critical');
  for (const x of bad)
    check(false, `axe on ${what}: ${x.id} (${x.impact}): ${x.help}: ` +
      x.nodes.slice(0, 6).join(' | ') + (x.nodes.length > 6 ? ` (+${x.nodes.length - 6})` : ''));
  if (!bad.length) check(true, `axe on ${what}`);
}

// shot(page, name): a full-page screenshot in ISMS_UI_SHOTS; prints it.
export async function shot(page, name) {
  mkdirSync(env.shots, { recursive: true });
  const path = `${env.shots}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

// text(page, sel): the text of sel ('' when absent).
export function text(page, sel) {
  return page.$eval(sel, (e) => e.textContent).catch(() => '');
}

// ctl(...args): runs ismsctl (as the data dir's owner, an admin); its
// stdout. Throws with its stderr when it fails.
export function ctl(...args) {
  try {
    return execFileSync(env.ctl, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`ismsctl ${args.join(' ')}: ${(e.stderr || e.message).trim()}`);
  }
}

export function ctlJson(...args) {
  return JSON.parse(ctl('-o', 'json', ...args));
}

// cookieOf(page): the isms_session cookie's value (HttpOnly: the page's
// scripts cannot read it, the DevTools protocol can).
export async function cookieOf(page) {
  const c = (await page.cookies(env.url)).find((x) => x.name === 'isms_session');
  return c ? c.value : null;
}

// replay(path, secret): GET path with only the cookie, outside any
// browser; the status code.
export function replay(path, secret) {
  return new Promise((resolve, reject) => {
    http.get(new URL(path, env.url), { headers: { Cookie: `isms_session=${secret}` } }, (r) => {
      r.resume();
      r.on('end', () => resolve(r.statusCode));
    }).on('error', reject);
  });
}
