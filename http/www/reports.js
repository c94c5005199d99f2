// reports.js: #/reports, the reports of `ismsctl report NAME` as
// downloads (GET /v1/reports/NAME?format=F; the gateway runs ismsctl as
// the caller). Plain links: the browser downloads them with the cookie.
import { h, table } from './dom.js';

const REPORTS = [
  ['soa', 'Statement of Applicability'],
  ['risks', 'Risk register'],
  ['treatment', 'Risk treatment plan'],
  ['gap', 'Gap analysis'],
  ['review', 'Management review input'],
  ['audits', 'Audits and findings'],
  ['incidents', 'Incidents'],
];
const FORMATS = ['html', 'md', 'csv', 'json', 'xlsx'];

export async function render(ctx) {
  ctx.show(h('h1', { tabindex: '-1' }, 'Reports'),
    h('p', null, 'Each report is drawn from one snapshot and carries the journal seq and head hash it came from.'),
    table({ id: 'reports' }, null, ['Report', 'Download'],
      REPORTS.map(([name, title]) => [title, FORMATS.map((f, i) => [i ? ' · ' : '',
        h('a', { href: '/v1/reports/' + name + '?format=' + f, 'data-report': name, 'data-format': f, download: '',
          'aria-label': title + ' as ' + f.toUpperCase() }, f.toUpperCase())])])));
}
