// gap.js: #/gap, the gap analysis (GET /v1/gap, as `ismsctl gap -o
// json`): the summary per clause and theme, what is missing, and each
// requirement with its status and evidence.
import { api } from './api.js';
import { h, route, scroller, show, table } from './dom.js';

export const debounce = 1000;
export function concerns() {
  return true;
}

export async function render(ctx) {
  const g = (await api('GET', '/v1/gap')).data;
  ctx.show(h('h1', { tabindex: '-1' }, 'Gap analysis'),
    scroller('Gap summary', table({ id: 'gap-summary' }, 'Summary', ['Clause or theme', 'Met', 'Partial', 'Not met', '% met'],
      (g.summary || []).map((s) => [s.key + ' ' + show(s.title), String(s.met), String(s.partial), String(s.not_met), String(s.percent_met)]))),
    h('section', { 'aria-labelledby': 'gap-missing-h' }, h('h2', { id: 'gap-missing-h' }, 'Missing'),
      (g.missing || []).length
        ? h('ul', { id: 'gap-missing' }, g.missing.map((m) => h('li', null, m.clause + ': ' + show(m.message))))
        : h('p', { id: 'gap-missing' }, 'Nothing is missing.')),
    scroller('Requirements', table({ id: 'gap-requirements' }, 'Requirements', ['Clause', 'Title', 'Status', 'Evidence'],
      (g.requirements || []).map((r) => h('tr', { class: r.assessable ? null : 'heading' },
        h('td', null, h('a', { href: route('r', 'requirement', r.id) }, r.id)), h('td', null, show(r.title)),
        h('td', null, r.assessable ? show(r.status) : ''), h('td', null, show(r.evidence)))))));
}
