// dashboard.js: #/dashboard, the state of the ISMS from one call
// (GET /v1/dashboard, which the gateway builds page by page): the risk
// heat maps (a cell's button lists its risks), SoA progress per Annex A
// theme, the gap per clause, due and overdue per owner, open incidents and
// nonconformities, and recent changes (the journal for auditors, the live
// events for the others). Live events reload it, debounced.
import { api, session, withQuery } from './api.js';
import { h, route, show, table, when } from './dom.js';
import { atLeast } from './registers.js';
import * as live from './live.js';

export const debounce = 1000;
export function concerns() {
  return true;
}

export async function render(ctx) {
  const { data } = await api('GET', '/v1/dashboard');
  const hm = data.heatmap || {};
  const recent = await recentChanges(data.journal_seq);
  ctx.show(
    h('h1', { tabindex: '-1' }, 'Dashboard'),
    h('div', { class: 'grid' },
      panel('Inherent risk', heatmap('heatmap-inherent', 'Inherent risk: likelihood by impact', hm, hm.inherent, 'likelihood', 'impact')),
      panel('Residual risk', heatmap('heatmap-residual', 'Residual risk: likelihood by impact', hm, hm.residual, 'residual_likelihood', 'residual_impact')),
      panel('Statement of Applicability', soaProgress(data.soa || []), true),
      panel('Gap per clause', gapClauses(data.gap || [])),
      panel('Due and overdue by owner', dueOwners(data.due || [])),
      panel('Open', openCounts(data.open || {}, data.risks_by_status || {})),
      panel('Recent changes', recent, true)));
}

function panel(title, body, wide) {
  const id = 'p-' + title.toLowerCase().replace(/[^a-z]+/g, '-');
  return h('section', { class: wide ? 'panel wide' : 'panel', 'aria-labelledby': id }, h('h2', { id }, title), body);
}

// A likelihood × impact table: rows from the highest likelihood down,
// each cell a button with its count that lists those risks.
function heatmap(id, caption, hm, grid, lkey, ikey) {
  const lmax = hm.likelihood_max || (grid ? grid.length : 5);
  const imax = hm.impact_max || 5;
  const head = h('tr', null, h('td', { class: 'corner' }, 'L \\ I'),
    Array.from({ length: imax }, (_, i) => h('th', { scope: 'col' }, String(i + 1))));
  const rows = [];
  for (let l = lmax; l >= 1; l--) {
    const cells = [];
    for (let i = 1; i <= imax; i++) {
      const n = (grid && grid[l - 1] && grid[l - 1][i - 1]) || 0;
      const href = withQuery('#/r/risk', { [lkey]: l, [ikey]: i });
      cells.push(h('td', { 'data-l': l, 'data-i': i, class: 'heat ' + heatClass(l * i, lmax * imax) },
        h('button', { type: 'button', 'aria-label': n + ' risks with likelihood ' + l + ' and impact ' + i, onclick: () => { location.hash = href; } }, String(n))));
    }
    rows.push(h('tr', null, h('th', { scope: 'row' }, String(l)), cells));
  }
  return h('table', { id, class: 'heatmap' }, h('caption', null, caption),
    h('thead', null, head), h('tbody', null, rows));
}

function heatClass(score, max) {
  const f = score / max;
  return f > 0.6 ? 'h4' : f > 0.35 ? 'h3' : f > 0.15 ? 'h2' : 'h1';
}

function soaProgress(rows) {
  return table({ id: 'soa-progress' }, null, ['Theme', 'Applicable', 'Implemented', 'Excluded', 'Undecided', 'Progress'],
    rows.map((t) => [
      h('a', { href: '#/soa' }, t.theme + ' ' + show(t.title)), String(t.applicable), String(t.implemented),
      String(t.excluded), String(t.undecided),
      h('progress', { max: t.applicable || 1, value: t.implemented || 0, 'aria-label': t.theme + ': ' + t.implemented + ' of ' + t.applicable + ' applicable implemented' }),
    ]));
}

function gapClauses(rows) {
  return table({ id: 'gap-clauses' }, null, ['Clause', 'Met', 'Of'],
    rows.map((c) => [h('a', { href: '#/gap' }, c.clause + ' ' + show(c.title)), String(c.met), String(c.total)]));
}

function dueOwners(rows) {
  if (!rows.length) return h('p', { id: 'due-owners' }, 'Nothing is due.');
  return table({ id: 'due-owners' }, null, ['Owner', 'Due', 'Overdue'],
    rows.map((d) => h('tr', { class: d.overdue ? 'overdue' : null },
      h('td', null, show(d.owner)), h('td', null, String(d.due)), h('td', null, String(d.overdue)))));
}

function openCounts(open, byStatus) {
  const items = Object.entries(open).map(([reg, n]) =>
    h('li', null, h('a', { href: route('r', reg) }, 'Open ' + reg + ': ' + n)));
  for (const [st, n] of Object.entries(byStatus))
    items.push(h('li', null, h('a', { href: withQuery('#/r/risk', { status: st }) }, 'Risks ' + st + ': ' + n)));
  return h('ul', { id: 'open-counts', class: 'plain' }, items);
}

// Recent changes: the last journal entries for those who may read the
// journal (auditor and up), else the live events seen since the page
// opened.
async function recentChanges(head) {
  let entries = live.recent;
  let caption = 'Changes since this page opened';
  if (atLeast(session.role, 'auditor')) {
    const since = Math.max(0, (head || 0) - 10);
    entries = (await api('GET', withQuery('/v1/journal', { since, limit: 10 }))).data.reverse();
    caption = 'The journal\'s last entries';
  }
  if (!entries.length) return h('p', { id: 'recent' }, 'No changes since this page opened.');
  return table({ id: 'recent' }, caption, ['Seq', 'When', 'Who', 'What'],
    entries.map((e) => [String(e.seq), when(e.time), show(e.actor),
      e.register && e.id ? h('a', { href: route('r', e.register, e.id) }, show(e.summary)) : show(e.summary)]));
}
