// soa.js: #/soa, the Statement of Applicability (GET /v1/soa, as
// `ismsctl soa -o json`): every Annex A control by theme with its
// applicability, status, justification and the risks it treats.
import { api } from './api.js';
import { h, route, scroller, show, table } from './dom.js';

export const debounce = 1000;
export function concerns(ev) {
  return ev.register === 'control';
}

export async function render(ctx) {
  const rows = (await api('GET', '/v1/soa')).data;
  const themes = new Map();
  for (const c of rows) {
    if (!themes.has(c.theme)) themes.set(c.theme, []);
    themes.get(c.theme).push(c);
  }
  ctx.show(h('h1', { tabindex: '-1' }, 'Statement of Applicability'),
    [...themes].map(([theme, controls]) => scroller(theme,
      table({ class: 'soa' }, theme + ' (' + controls.length + ' controls)',
        ['Control', 'Title', 'Applicable', 'Status', 'Justification', 'Owner', 'Risks'],
        controls.map((c) => [
          h('a', { href: route('r', 'control', c.id) }, c.id), show(c.title),
          c.applicable === null || c.applicable === undefined ? 'undecided' : c.applicable ? 'yes' : 'no',
          show(c.status), show(c.justification), show(c.owner),
          (c.risks || []).length ? (c.risks || []).map((r, i) => [i ? ', ' : '', h('a', { href: route('r', 'risk', r) }, r)]) : '—',
        ])))));
}
