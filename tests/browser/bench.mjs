// bench.mjs: the web interface's timings in headless Chromium, for
// bench/ui.sh (not a test): (a) sign-in to a usable dashboard and (b)
// the risk list page usable, each BENCH_UI_RUNS times cold (a new browser
// context: empty cache, no cookie) and warm (the same context again:
// assets revalidated from the cache). "Usable" is what the UI says:
// body[data-ready="1"] on the view. Prints one JSON object: the samples
// in ms per measure.
import http from 'node:http';
import puppeteer from 'puppeteer-core';

const url = process.env.ISMS_UI_URL;
const user = process.env.ISMS_UI_USER;
const password = process.env.ISMS_UI_PASSWORD;
const runs = Number(process.env.BENCH_UI_RUNS || 5);
const WAIT_MS = 60000;

const args = ['--headless=new', '--disable-gpu', '--no-first-run',
  '--disable-dev-shm-usage'];
if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true, args, defaultViewport: { width: 1280, height: 900 },
});

// until(page, route, sel): the view of route ready with sel.
function until(page, route, sel) {
  return page.waitForFunction((r, s) => location.hash === r &&
    document.body.dataset.ready === '1' && document.querySelector(s) !== null,
  { timeout: WAIT_MS, polling: 'raf' }, route, sel);
}

// signInToDashboard(page): from the sign-in form to the dashboard ready.
async function signInToDashboard(page) {
  const t0 = performance.now();
  await page.goto(`${url}/ui/#/login`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#login-user', { visible: true, timeout: WAIT_MS });
  await page.type('#login-user', user);
  await page.type('#login-password', password);
  await page.click('#login-submit');
  await page.waitForFunction(() => !location.hash.startsWith('#/login') &&
    document.body.dataset.ready === '1', { timeout: WAIT_MS, polling: 'raf' });
  if ((await page.evaluate(() => location.hash)) !== '#/dashboard') {
    await page.evaluate(() => {
      delete document.body.dataset.ready;
      location.hash = '#/dashboard';
    });
  }
  await until(page, '#/dashboard', '#heatmap-inherent');
  return performance.now() - t0;
}

// listPage(page): a page load of #/r/risk to its first rows shown.
async function listPage(page) {
  const t0 = performance.now();
  await page.goto(`${url}/ui/#/r/risk`, { waitUntil: 'domcontentloaded' });
  await until(page, '#/r/risk', '#list tr[data-id]');
  return performance.now() - t0;
}

// session(): a sign-in through the API; the cookie's value.
function session() {
  const body = JSON.stringify({ user, password });
  return new Promise((resolve, reject) => {
    const req = http.request(new URL('/v1/session', url), {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
    }, (r) => {
      r.resume();
      const c = (r.headers['set-cookie'] || []).join(';').match(/isms_session=([^;]+)/);
      r.on('end', () => (c ? resolve(c[1]) : reject(new Error(`sign-in: HTTP ${r.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const out = { runs, dashboard_cold: [], dashboard_warm: [], list_cold: [], list_warm: [] };
for (let i = 0; i < runs; i++) {
  // (a) cold: a new context; warm: the same one, signed out (cookie
  // dropped), signing in again with the assets in its cache.
  let ctx = await browser.createBrowserContext();
  let page = await ctx.newPage();
  out.dashboard_cold.push(await signInToDashboard(page));
  await page.deleteCookie({ name: 'isms_session', url });
  out.dashboard_warm.push(await signInToDashboard(page));
  await ctx.close();
  // (b) signed in (the API's cookie), then the list page loaded cold,
  // then again warm.
  ctx = await browser.createBrowserContext();
  page = await ctx.newPage();
  await page.setCookie({ name: 'isms_session', value: await session(), url });
  out.list_cold.push(await listPage(page));
  await page.goto('about:blank');
  out.list_warm.push(await listPage(page));
  await ctx.close();
}
await browser.close();
console.log(JSON.stringify(out));
