// journal.js: #/journal (auditor and up), the journal's entries a page of
// 100 at a time from the newest, and `journal verify` (#verify: the chain
// of hashes checked by ismsd, GET /v1/journal/verify).
import { api, withQuery } from './api.js';
import { h, route, scroller, show, table, when } from './dom.js';

const PAGE = 100;

export const debounce = 1000;
export function concerns(ev, ctx) {
  return !ctx.query.get('before');
}

export async function render(ctx) {
  // ?before=SEQ: the page that ends just before SEQ; else the newest.
  let before = Number(ctx.query.get('before')) || 0;
  if (!before) {
    const head = await api('GET', withQuery('/v1/journal', { limit: 1 }));
    before = Number(head.headers.get('X-Journal-Head') || 0) + 1;
  }
  const since = Math.max(0, before - 1 - PAGE);
  const r = await api('GET', withQuery('/v1/journal', { since, limit: before - 1 - since }));
  const entries = r.data.slice().reverse();
  const verify = h('button', { type: 'button', id: 'verify' }, 'Verify the journal');
  const result = h('div', { id: 'verify-result', 'aria-live': 'polite' });
  verify.addEventListener('click', async () => {
    verify.disabled = true;
    result.textContent = 'Verifying…';
    try {
      const v = (await api('GET', '/v1/journal/verify')).data;
      result.className = v.ok ? 'msg ok' : 'msg error';
      result.textContent = v.ok
        ? 'The journal verifies: ' + v.entries + ' entries, head seq ' + v.head_seq + '.'
        : 'The journal does not verify' + (v.bad_seq ? ' at seq ' + v.bad_seq : '') + ': ' + show(v.problem);
    } catch (e) {
      result.className = 'msg error';
      result.textContent = e.message;
    } finally {
      verify.disabled = false;
    }
  });
  const older = since > 0 ? h('a', { href: '#/journal?before=' + (since + 1), id: 'older' }, 'Older entries') : null;
  ctx.show(
    h('h1', { tabindex: '-1' }, 'Journal'),
    h('p', null, verify), result,
    scroller('Journal entries', table({ id: 'journal' }, 'Entries ' + (since + 1) + ' to ' + (before - 1) + ', newest first',
      ['Seq', 'When', 'Who', 'Type', 'Record', 'Summary'],
      entries.map((e) => h('tr', { 'data-seq': e.seq },
        h('td', null, String(e.seq)), h('td', null, when(e.time)), h('td', null, show(e.actor)),
        h('td', null, show(e.type)),
        h('td', null, e.register && e.id ? h('a', { href: route('r', e.register, e.id) }, e.id) : show(e.id)),
        h('td', null, show(e.summary)))))),
    h('p', null, older, older && ctx.query.get('before') ? ' · ' : '', ctx.query.get('before') ? h('a', { href: '#/journal' }, 'Newest') : null));
}
