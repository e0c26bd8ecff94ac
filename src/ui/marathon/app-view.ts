// An app's page (#/apps/<id>): summary and actions (scale, restart, destroy), its tasks with endpoints
// and health results, the last task failure, its configuration and its versions.
import { fill, h, HttpError, type Child } from '../common/dom.js';
import { runAction, type ForceableCall } from './actions.js';
import { api, type App, type HealthResult, type Task, type TaskFailure } from './api.js';
import { badge, panel, table, time, type View } from './view.js';

const TASK_HEADERS = ['Task', 'State', 'Endpoints', 'Health', 'Started', 'Version'];

interface Parts {
  summary: HTMLElement;
  tasks: HTMLElement;
  failure: HTMLElement;
  config: HTMLElement;
  versions: HTMLElement;
  /** The scale input: filled from the app once, then left to the user. */
  count: HTMLInputElement;
}

export function appView(id: string): View {
  const parts: Parts = {
    summary: h('div', { 'data-role': 'summary' }),
    tasks: h('div', { 'data-role': 'tasks' }),
    failure: h('div', { 'data-role': 'failure' }),
    config: h('pre', { class: 'config mono', 'data-role': 'config' }),
    versions: h('ul', { class: 'versions', 'data-role': 'versions' }),
    count: h('input', { type: 'number', min: '0', step: '1', name: 'instances', class: 'count' }),
  };
  const versions = new VersionPicker(id, parts);
  const view: View = {
    root: h(
      'div',
      { class: 'stack' },
      panel(
        `App ${id}`,
        {},
        parts.summary,
        actionsBar(id, parts.count, () => void view.refresh()),
      ),
      panel('Tasks', {}, parts.tasks),
      panel('Last task failure', {}, parts.failure),
      h('div', { class: 'columns' }, panel('Configuration', {}, parts.config), panel('Versions', {}, parts.versions)),
    ),
    refresh: async () => {
      const app = await readApp(id);
      if (app === null)
        return fill(
          view.root,
          panel(
            `App ${id}`,
            {},
            h('p', { class: 'error' }, `App '${id}' does not exist.`),
            h('a', { href: '#/apps' }, 'All applications'),
          ),
        );
      if (parts.count.value === '') parts.count.value = String(app.instances);
      fill(parts.summary, ...summary(app));
      fill(parts.tasks, table(TASK_HEADERS, (app.tasks ?? []).map(taskRow), 'No tasks.'));
      fill(parts.failure, failureText(app.lastTaskFailure));
      await versions.show(app.version);
    },
  };
  return view;
}

async function readApp(id: string): Promise<App | null> {
  try {
    return await api.app(id);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return null;
    throw err;
  }
}

function summary(app: App): Child[] {
  return [
    h(
      'div',
      { class: 'facts' },
      fact('Instances', String(app.instances)),
      fact('Running', String(app.tasksRunning)),
      fact('Staged', String(app.tasksStaged)),
      fact('Healthy', String(app.tasksHealthy)),
      fact('Unhealthy', String(app.tasksUnhealthy)),
    ),
    app.deployments.length > 0
      ? h(
          'div',
          { 'data-role': 'app-deployments' },
          badge('Deploying', 'warn'),
          ' ',
          h('a', { href: '#/deployments' }, app.deployments.map((d) => d.id).join(', ')),
        )
      : null,
  ];
}

function fact(name: string, value: string): HTMLElement {
  return h('span', { class: 'fact' }, h('span', { class: 'muted' }, `${name} `), h('strong', {}, value));
}

/** Scale (number + button), restart and destroy; outcomes and the lock message go to one line below. */
function actionsBar(id: string, count: HTMLInputElement, changed: () => void): HTMLElement {
  const box = h('div', { class: 'action-result', 'data-role': 'action-result' });
  const button = (label: string, cls: string, onClick: () => void): HTMLButtonElement => {
    const b = h('button', { class: cls, 'data-action': label.toLowerCase() }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  const run = (label: string, call: ForceableCall, done = changed): void => void runAction({ box, label, call, done });
  const scale = (): void =>
    run(`Scale to ${count.valueAsNumber}`, (force) => api.scale(id, count.valueAsNumber, force));
  const destroy = (): void => {
    if (confirm(`Destroy ${id} and kill its tasks?`))
      run(
        `Destroy ${id}`,
        () => api.destroy(id),
        () => {
          location.hash = '#/apps';
        },
      );
  };
  return h(
    'div',
    { class: 'actions' },
    h('label', {}, 'Instances ', count),
    button('Scale', '', scale),
    button('Restart', '', () => run('Restart', (force) => api.restart(id, force))),
    button('Destroy', 'danger', destroy),
    box,
  );
}

function taskRow(task: Task): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-task': task.id },
    h('td', { class: 'mono' }, task.id),
    h('td', {}, badge(task.state, task.state)),
    h(
      'td',
      {},
      ...task.ports.map((port) =>
        h(
          'a',
          { href: `http://${task.host}:${port}/`, target: '_blank', rel: 'noopener', class: 'endpoint mono' },
          `${task.host}:${port}`,
        ),
      ),
    ),
    h(
      'td',
      {},
      ...(task.healthCheckResults.length > 0
        ? task.healthCheckResults.map(healthLine)
        : [h('span', { class: 'muted' }, '—')]),
    ),
    h('td', {}, time(task.startedAt)),
    h('td', {}, time(task.version)),
  );
}

function healthLine(result: HealthResult): HTMLElement {
  if (result.alive) return h('div', {}, badge('alive', 'healthy'));
  const cause = result.lastFailureCause ?? 'no result yet';
  return h('div', {}, badge('failing', 'unhealthy'), ` ${cause} (${result.consecutiveFailures}×)`);
}

function failureText(failure: TaskFailure | undefined): Child {
  if (failure === undefined) return h('span', { class: 'muted' }, 'None.');
  return h(
    'div',
    {},
    badge(failure.state, failure.state),
    ' ',
    h('span', { class: 'mono' }, failure.taskId),
    ' on ',
    failure.host,
    ' at ',
    time(failure.timestamp),
    h('div', {}, failure.message),
  );
}

/** The versions list; the chosen one (the current one until another is clicked) fills the configuration. */
class VersionPicker {
  private chosen: string | null = null;
  private shown: string | null = null;

  constructor(
    private readonly id: string,
    private readonly parts: Parts,
  ) {}

  async show(current: string): Promise<void> {
    const list = await api.versions(this.id);
    const chosen = this.chosen ?? current;
    fill(this.parts.versions, ...list.map((v) => this.item(v, current, chosen)));
    if (this.shown === chosen) return;
    fill(this.parts.config, JSON.stringify(await api.config(this.id, chosen), null, 2));
    this.shown = chosen;
  }

  private item(version: string, current: string, chosen: string): HTMLElement {
    const link = h('a', { href: '#', class: version === chosen ? 'chosen' : '' }, version);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      this.chosen = version;
      void this.show(current);
    });
    return h('li', {}, link, version === current ? h('span', { class: 'muted' }, ' (current)') : null);
  }
}
