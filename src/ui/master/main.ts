// The master UI in the browser: every 2 s it asks this master whether it leads (/metrics/snapshot) and
// reads the leading master's /master/state (JSONP follows a standby's 307), then draws the hash's page.
import { clock, fill, h, json } from '../common/dom.js';
import { agentLogPage, agentPage } from './agent.js';
import { jsonp } from './jsonp.js';
import type { MasterState } from './mesos.js';
import { logPage, maintenancePage, rolesPage } from './operator.js';
import { agentsPage, frameworksPage, leaderAddress, summaryPage, tasksPage } from './pages.js';
import { parseRoute, type Route } from './route.js';
import { sandboxPage } from './sandbox.js';
import { link, panel } from './widgets.js';

const REFRESH_MS = 2_000;

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el;
}

const page = byId('page');
const updated = byId('updated');

function content(route: Route, state: MasterState): HTMLElement[] | Promise<HTMLElement[]> {
  switch (route.page) {
    case 'summary':
      return summaryPage(state);
    case 'agents':
      return agentsPage(state);
    case 'agent':
      return agentPage(state, route.agentId);
    case 'agentLog':
      return agentLogPage(state, route.agentId);
    case 'frameworks':
      return frameworksPage(state);
    case 'tasks':
      return tasksPage(state);
    case 'sandbox':
      return sandboxPage(state, route.taskId, route.path);
    case 'roles':
      return rolesPage();
    case 'maintenance':
      return maintenancePage();
    case 'log':
      return logPage(state);
  }
}

/** On a standby: who leads, with a link to the same page there. */
function standbyNotice(state: MasterState): HTMLElement {
  const leader = leaderAddress(state);
  const href = `${window.location.protocol}//${leader}/${window.location.hash}`;
  return h(
    'section',
    { class: 'panel standby', id: 'standby' },
    `This master (${window.location.host}) is a standby. The leading master is `,
    link(href, leader, { id: 'leader-link' }),
    '; the data below comes from it.',
  );
}

/** The header link a page belongs to (a sandbox to Tasks, an agent to Agents). */
const NAV_OF: Partial<Record<Route['page'], string>> = {
  sandbox: 'tasks',
  agent: 'agents',
  agentLog: 'agents',
  log: 'summary',
};

/** Highlights the header link of the page shown. */
function markNav(route: Route): void {
  const current = NAV_OF[route.page] ?? route.page;
  for (const a of document.querySelectorAll('header nav a'))
    a.classList.toggle('active', a.getAttribute('data-page') === current);
}

async function refresh(): Promise<void> {
  const hash = window.location.hash;
  const route = parseRoute(hash);
  const [metrics, state] = await Promise.all([
    json<Record<string, number>>('metrics/snapshot'),
    jsonp<MasterState>('master/state'),
  ]);
  const elected = metrics['master/elected'] === 1;
  const drawn = await content(route, state);
  if (window.location.hash !== hash) return;
  fill(page, elected ? null : standbyNotice(state), ...drawn);
  markNav(route);
  fill(updated, `updated ${clock(Date.now())}`);
}

function showError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  fill(updated, h('span', { class: 'error' }, message));
  if (page.childElementCount === 0)
    fill(page, panel('Not available', h('p', { class: 'error' }, `No leading master answers: ${message}`)));
}

let timer = 0;
let busy = false;
let again = false;

/** Refreshes now (or right after the refresh under way), then every REFRESH_MS. */
async function tick(): Promise<void> {
  window.clearTimeout(timer);
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  await refresh().catch(showError);
  busy = false;
  timer = window.setTimeout(() => void tick(), again ? 0 : REFRESH_MS);
  again = false;
}

window.addEventListener('hashchange', () => void tick());
void tick();
