// The apps list (#/apps): id, instances, running/staged, healthy/unhealthy, deployments in progress
// with their current step, and the status; the create form below it.
import { fill, h } from '../common/dom.js';
import { api, type App, type Deployment, type QueueEntry } from './api.js';
import { createForm } from './create-form.js';
import { appStatus, statusClass } from './status.js';
import { appLink, badge, panel, table, type View } from './view.js';

const HEADERS = ['ID', 'Instances', 'Running / staged', 'Healthy / unhealthy', 'Deployment', 'Status'];

export function appsView(): View {
  const list = h('div', { 'data-role': 'apps' });
  const view: View = {
    root: h(
      'div',
      { class: 'stack' },
      panel('Applications', {}, list),
      createForm(() => void view.refresh()),
    ),
    refresh: async () => {
      const [apps, deployments, queue] = await Promise.all([api.apps(), api.deployments(), api.queue()]);
      const rows = [...apps].sort((a, b) => a.id.localeCompare(b.id)).map((app) => appRow(app, deployments, queue));
      fill(list, table(HEADERS, rows, 'No applications yet: create one below.'));
    },
  };
  return view;
}

function appRow(app: App, deployments: readonly Deployment[], queue: readonly QueueEntry[]): HTMLTableRowElement {
  const { status, detail } = appStatus(
    app,
    queue.find((entry) => entry.app.id === app.id),
  );
  const mine = deployments.filter((d) => d.affectedApps.includes(app.id));
  return h(
    'tr',
    { 'data-app': app.id },
    h('td', {}, appLink(app.id)),
    h('td', {}, String(app.instances)),
    h('td', {}, `${app.tasksRunning} / ${app.tasksStaged}`),
    h('td', {}, `${app.tasksHealthy} / ${app.tasksUnhealthy}`),
    h('td', {}, ...(mine.length > 0 ? mine.map(stepSummary) : [h('span', { class: 'muted' }, '—')])),
    h('td', {}, badge(status, statusClass(status)), detail === '' ? null : h('div', { class: 'muted small' }, detail)),
  );
}

/** `step 2/2: ScaleApplication`, linking to the deployments page. */
export function stepSummary(d: Deployment): HTMLElement {
  const actions = d.steps[d.currentStep - 1]?.actions.map((a) => a.action).join(', ') ?? 'queued';
  return h('div', {}, h('a', { href: '#/deployments' }, `step ${d.currentStep}/${d.totalSteps}`), `: ${actions}`);
}
