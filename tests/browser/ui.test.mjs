// ui.test.mjs: issue 19's web interface in headless Chromium against a
// real ismsd and ismsd-http, as tests/integration/browser_ui.sh sets them
// up: users alice (editor, owner of the risks), victor (viewer) and dora
// (editor), each with a password; RSK-0001 and RSK-0003 assessed (they
// wait for alice's acceptance), RSK-0002 open. Each step prints its name;
// a failure names the step and the check. axe-core runs on every view.
import {
  env, step, check, done, watchdog, launch, newPage, waitFor, go,
  signIn, axe, shot, text, ctl, ctlJson, cookieOf, replay,
} from './lib.mjs';

const PW = {
  alice: process.env.ISMS_UI_PW_ALICE,
  victor: process.env.ISMS_UI_PW_VICTOR,
  dora: process.env.ISMS_UI_PW_DORA,
};
const NOTE = 'Board minute 7: accepted until the new backups run';

watchdog(150);
const browser = await launch();
const alice = await newPage(browser);
let aliceCookie = null;

// --- 0. a wrong password: an error on the form, no session
await step('a wrong password is refused on the sign-in form', async () => {
  await alice.goto(`${env.url}/ui/#/login`, { waitUntil: 'domcontentloaded' });
  await alice.waitForSelector('#login-user', { visible: true });
  await alice.type('#login-user', 'alice');
  await alice.type('#login-password', 'not the password at all');
  await alice.click('#login-submit');
  await waitFor(alice, 'a message in #login-error',
    () => (document.querySelector('#login-error')?.textContent || '').trim() !== '');
  check(await alice.$eval('#login-error', (e) => e.getAttribute('role')) === 'alert',
    '#login-error has role="alert"');
  check((await text(alice, '#login-error')).includes('wrong user name or password'),
    `#login-error says why: '${await text(alice, '#login-error')}'`);
  check((await cookieOf(alice)) === null, 'no isms_session cookie');
});

// --- 1. the risk owner signs off from My work, with a note
await step('the owner accepts a risk from My work', async () => {
  const who = await signIn(alice, 'alice', PW.alice);
  check(who.display_name === 'Alice Owner',
    `the session gives alice's display name 'Alice Owner' (got '${who.display_name}')`);
  aliceCookie = await cookieOf(alice);
  check(aliceCookie !== null, 'the sign-in set the isms_session cookie');
  await go(alice, '#/mywork', '#mywork-due');
  const item = 'li[data-signoff="RSK-0001"]';
  await alice.waitForSelector(item, { visible: true });
  await shot(alice, 'mywork');
  await alice.type(`${item} textarea.signoff-note`, NOTE);
  await alice.click(`${item} button.signoff`);
  await waitFor(alice, 'RSK-0001 to leave My work after the sign-off',
    (s) => document.querySelector(s) === null, item);
  await waitFor(alice, 'a message in #status',
    () => (document.querySelector('#status')?.textContent || '').trim() !== '');
  const rec = ctlJson('risk', 'get', 'RSK-0001');
  check(rec.risk.status === 'accepted', `RSK-0001 is accepted (status ${rec.risk.status})`);
  check(rec.risk.acceptance && rec.risk.acceptance.by === 'alice',
    `acceptance.by is alice: ${JSON.stringify(rec.risk.acceptance)}`);
  const signed = ctlJson('journal', '--id', 'RSK-0001').filter((e) => e.type === 'signed');
  check(signed.length === 1, `one signed entry in the journal (${signed.length})`);
  if (signed.length) {
    check(signed[0].actor === 'alice', `the journal names alice as the actor (${signed[0].actor})`);
    check(signed[0].summary.includes(NOTE), `the journal keeps the note: ${signed[0].summary}`);
  }
  check((await alice.$('li[data-signoff="RSK-0003"] button.signoff')) !== null,
    'RSK-0003 still waits in My work');
});

// --- 2. the dashboard; a heat map cell lists its risks
await step('the dashboard and its heat map', async () => {
  await go(alice, '#/dashboard', '#heatmap-inherent');
  for (const id of ['#heatmap-residual', '#soa-progress', '#gap-clauses',
    '#due-owners', '#open-counts', '#recent'])
    check(await alice.$(id), `the dashboard has ${id}`);
  await shot(alice, 'dashboard');
  const cell = '#heatmap-inherent td[data-l="4"][data-i="4"] button';
  check((await text(alice, cell)).trim() === '2', `cell 4x4 counts 2 risks: '${await text(alice, cell)}'`);
  await alice.click(cell);
  await waitFor(alice, 'the risks of cell 4x4 listed (tr[data-id="RSK-0003"])',
    () => location.hash.startsWith('#/r/risk') &&
      document.querySelector('tr[data-id="RSK-0003"]') !== null &&
      document.body.dataset.ready === '1');
  check(!(await alice.$('tr[data-id="RSK-0002"]')), 'RSK-0002 (2x3) is not in cell 4x4');
  await axe(alice, 'the risks of a heat map cell');
});

// --- 3. the register list and a record page
await step('the risk list and a record page', async () => {
  await go(alice, '#/r/risk', '#list tr[data-id="RSK-0002"]');
  await go(alice, '#/r/risk/RSK-0002', '#record-fields');
  check((await text(alice, '#record-fields')).includes('Phishing'), 'the record shows its title');
  await shot(alice, 'record');
  await go(alice, '#/r/risk/RSK-0003', '#record-fields');
  check(await alice.$('#signoff'), 'the owner sees #signoff on RSK-0003 (assessed)');
});

// --- 4. a change made with ismsctl shows on the open page, no reload
await step('a change made with ismsctl appears without a reload', async () => {
  await go(alice, '#/r/risk/RSK-0002', '#record-fields');
  await alice.evaluate(() => { window.__noReload = 'still here'; });
  ctl('risk', 'set', 'RSK-0002', 'title=Phishing of the finance team');
  await waitFor(alice, "the new title in #record-fields (event stream)", () =>
    (document.querySelector('#record-fields')?.textContent || '')
      .includes('Phishing of the finance team'));
  check(await alice.evaluate(() => window.__noReload === 'still here'),
    'the page was not reloaded');
});

// --- 5. an edit with a stale rev shows the conflict, never overwrites
await step('an edit with a stale rev shows #conflict', async () => {
  await go(alice, '#/r/risk/RSK-0002', '#edit');
  const before = ctlJson('risk', 'get', 'RSK-0002');
  await alice.click('#edit');
  await alice.waitForSelector('[name="title"]', { visible: true });
  // Meanwhile someone else changes the record.
  ctl('risk', 'set', 'RSK-0002', 'description=changed with ismsctl meanwhile');
  await alice.$eval('[name="title"]', (e) => { e.value = ''; });
  await alice.type('[name="title"]', 'Title from the stale form');
  await alice.click('#save');
  await alice.waitForSelector('#conflict', { visible: true });
  check(await alice.$eval('#conflict', (e) => e.getAttribute('role')) === 'alert',
    '#conflict has role="alert"');
  check((await text(alice, '#conflict')).trim() !== '', '#conflict says why');
  const after = ctlJson('risk', 'get', 'RSK-0002');
  check(after.title === 'Phishing of the finance team',
    `the stale save did not overwrite the title ('${after.title}')`);
  check(after.rev === before.rev + 1, `only ismsctl's change was stored (rev ${before.rev} -> ${after.rev})`);
  await axe(alice, 'the edit form with #conflict');
});

// --- 6. a change without the CSRF token is refused; with it, it passes
await step('a change without the X-CSRF-Token header gets 403', async () => {
  const r = await alice.evaluate(async () => {
    const s = await (await fetch('/v1/session')).json();
    const patch = (h) => fetch('/v1/risk/RSK-0002', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...h },
      body: JSON.stringify({ risk: { threat: 'probe' } }),
    });
    const none = await patch({});
    const noneBody = await none.text();
    const wrong = await patch({ 'X-CSRF-Token': '0'.repeat(64) });
    const right = await patch({ 'X-CSRF-Token': s.csrf });
    return { none: none.status, noneBody, wrong: wrong.status, right: right.status, csrf: s.csrf };
  });
  check(/^[0-9a-f]{64}$/.test(r.csrf || ''), `GET /v1/session gives the CSRF token (${r.csrf})`);
  check(r.none === 403, `no X-CSRF-Token: 403 (got ${r.none})`);
  check(r.noneBody.includes('X-CSRF-Token'), `the 403 names the header: ${r.noneBody}`);
  check(r.wrong === 403, `a wrong X-CSRF-Token: 403 (got ${r.wrong})`);
  check(r.right === 200, `the right X-CSRF-Token: 200 (got ${r.right})`);
  const rec = ctlJson('risk', 'get', 'RSK-0002');
  check(rec.risk.threat === 'probe', 'only the request with the token changed the record');
});

// --- 7. a viewer: no sign-off button, and the API refuses anyway
await step('a viewer sees no #signoff and the API refuses the sign-off', async () => {
  const victor = await newPage(browser);
  await signIn(victor, 'victor', PW.victor);
  await go(victor, '#/r/risk/RSK-0003', '#record-fields');
  check((await text(victor, '#record-fields')).includes('Laptop theft'), 'victor sees RSK-0003');
  check(!(await victor.$('#signoff')), 'no #signoff for a viewer who does not own it');
  check(!(await victor.$('#edit')), 'no #edit for a viewer');
  const r = await victor.evaluate(async () => {
    const s = await (await fetch('/v1/session')).json();
    const res = await fetch('/v1/risk/RSK-0003/signoff', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf },
      body: JSON.stringify({ verb: 'accept', note: 'not mine to accept' }),
    });
    return { status: res.status, body: await res.text(), role: s.role };
  });
  check(r.role === 'viewer', `victor's session says role viewer (${r.role})`);
  check(r.status === 403, `POST signoff as a viewer, with the CSRF token: 403 (got ${r.status}: ${r.body})`);
  const rec = ctlJson('risk', 'get', 'RSK-0003');
  check(rec.risk.status === 'assessed' && !rec.risk.acceptance, 'RSK-0003 is still not accepted');
  await victor.browserContext().close();
});

// --- 8. a phone screen: the dashboard and My work at 375 x 800
// (alice's page, narrowed: the same session on a phone-sized window)
await step('the dashboard and My work at 375 x 800', async () => {
  await alice.setViewport({ width: 375, height: 800 });
  for (const [route, sel, name] of [['#/dashboard', '#heatmap-inherent', 'dashboard-phone'],
    ['#/mywork', '#mywork-due', 'mywork-phone']]) {
    await go(alice, route, sel);
    const w = await alice.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    check(w[0] <= w[1] + 1, `${route} fits 375 px: nothing scrolls sideways (page ${w[0]} px wide)`);
    await shot(alice, name);
  }
  await alice.setViewport({ width: 1280, height: 900 });
});

// --- 9. logout ends the session: the old cookie gets 401
await step('logout ends the session', async () => {
  check(aliceCookie && (await replay('/v1/session', aliceCookie)) === 200,
    "alice's cookie works before the logout");
  await alice.click('#logout');
  await alice.waitForSelector('#login-user', { visible: true });
  check((await cookieOf(alice)) === null, 'the browser holds no isms_session after the logout');
  const st = await replay('/v1/session', aliceCookie);
  check(st === 401, `the old cookie replayed after the logout: 401 (got ${st})`);
  const st2 = await replay('/v1/risk/RSK-0002', aliceCookie);
  check(st2 === 401, `nor does it read a record: 401 (got ${st2})`);
});

// --- 10. disabling the user ends an open session
await step('disabling the user ends the open session', async () => {
  const dora = await newPage(browser);
  await signIn(dora, 'dora', PW.dora);
  const secret = await cookieOf(dora);
  ctl('user', 'disable', 'dora');
  await dora.evaluate(() => { location.hash = '#/r/risk'; });
  await waitFor(dora, 'the sign-in form after the next navigation',
    () => document.querySelector('#login-user') !== null && location.hash.startsWith('#/login'));
  const st = await replay('/v1/session', secret);
  check(st === 401, `the disabled user's cookie: 401 (got ${st})`);
  await dora.browserContext().close();
});

await done(browser);
