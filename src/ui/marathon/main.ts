// The Marathon-style UI's entry: the header (leader, framework id), the hash router between the apps
// list, an app's page and the deployments, and the refresh: every 2 s and on /v2/events.
import { fill, h } from '../common/dom.js';
import { api, eventsUrl } from './api.js';
import { appView } from './app-view.js';
import { appsView } from './apps-view.js';
import { deploymentsView } from './deployments-view.js';
import type { View } from './view.js';

const REFRESH_MS = 2000;
/** Events after which the page is re-read (shortly, once per burst). */
const EVENT_TYPES = [
  'api_post_event',
  'status_update_event',
  'health_status_changed_event',
  'deployment_info',
  'deployment_step_success',
  'deployment_success',
  'deployment_failed',
  'app_terminated_event',
];
const EVENT_DEBOUNCE_MS = 150;

type Route = { page: 'apps' } | { page: 'app'; id: string } | { page: 'deployments' };

function routeOf(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/deployments') return { page: 'deployments' };
  if (path.startsWith('/apps/') && path.length > '/apps/'.length)
    return { page: 'app', id: decodeURIComponent(path.slice('/apps'.length)) };
  return { page: 'apps' };
}

function viewOf(route: Route): View {
  switch (route.page) {
    case 'apps':
      return appsView();
    case 'app':
      return appView(route.id);
    case 'deployments':
      return deploymentsView();
  }
}

/** The nav entry lit for a route (an app's page belongs to the apps). */
function navOf(route: Route): string {
  return route.page === 'deployments' ? 'deployments' : 'apps';
}

class Page {
  private view: View = appsView();
  private busy = false;
  private again = false;
  private debounce: number | undefined;

  constructor(
    private readonly main: HTMLElement,
    private readonly header: HTMLElement,
    private readonly problem: HTMLElement,
  ) {}

  navigate(): void {
    const route = routeOf(location.hash);
    this.view = viewOf(route);
    fill(this.main, this.view.root);
    for (const link of document.querySelectorAll<HTMLElement>('[data-nav]'))
      link.classList.toggle('active', link.dataset['nav'] === navOf(route));
    void this.refresh();
  }

  /** Re-reads everything shown; a refresh asked for while one runs happens right after it. */
  async refresh(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      await Promise.all([this.view.refresh(), this.readHeader()]);
      this.problem.hidden = true;
    } catch (err) {
      fill(this.problem, `Cannot read the scheduler: ${err instanceof Error ? err.message : String(err)}`);
      this.problem.hidden = false;
    } finally {
      this.busy = false;
    }
    if (this.again) {
      this.again = false;
      void this.refresh();
    }
  }

  soon(): void {
    clearTimeout(this.debounce);
    this.debounce = window.setTimeout(() => void this.refresh(), EVENT_DEBOUNCE_MS);
  }

  private async readHeader(): Promise<void> {
    const [leader, info] = await Promise.all([api.leader(), api.info()]);
    fill(
      this.header,
      h('span', { class: 'muted' }, 'leader '),
      h('span', { class: 'mono', 'data-role': 'leader' }, leader),
      h('span', { class: 'muted' }, ' · framework '),
      h('span', { class: 'mono', 'data-role': 'framework' }, info.frameworkId ?? '—'),
    );
  }
}

/**
 * Follows the leader's event stream when this page is served by the leader itself; a standby
 * redirects /v2/events to the leader's origin, which the browser may not read, so there the 2 s poll does.
 */
async function followEvents(page: Page): Promise<void> {
  const leader = await api.leader().catch(() => null);
  if (leader !== location.host) return;
  const source = new EventSource(eventsUrl(EVENT_TYPES));
  for (const type of EVENT_TYPES) source.addEventListener(type, () => page.soon());
}

function element(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el;
}

const page = new Page(element('view'), element('cluster'), element('problem'));
window.addEventListener('hashchange', () => page.navigate());
page.navigate();
window.setInterval(() => void page.refresh(), REFRESH_MS);
void followEvents(page);
