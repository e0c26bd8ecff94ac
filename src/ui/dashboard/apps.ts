// The apps panel (instances, running/healthy, tasks as host:port links, Scale and Destroy) and the
// Deploy form, whose Marathon validation errors are listed in words by path next to the JSON.
import { HttpError, errorText, fill, h, type Child } from '../common/dom.js';
import { jsonSyntaxError, readableError } from '../common/marathon-errors.js';
import type { AppCard } from './model.js';
import type { Access } from './access.js';

/** Shows why an action failed. */
export type Report = (message: string) => void;

export class AppsPanel {
  /** Scale inputs by app id, kept across snapshots so typing in one survives an update. */
  private readonly inputs = new Map<string, HTMLInputElement>();

  constructor(
    private readonly access: Access,
    private readonly report: Report,
  ) {}

  render(apps: readonly AppCard[] | null): Child {
    if (apps === null) return h('p', { class: 'muted' }, 'the scheduler does not answer');
    for (const id of this.inputs.keys()) if (!apps.some((a) => a.id === id)) this.inputs.delete(id);
    if (apps.length === 0) return h('p', { class: 'muted' }, 'no apps yet: deploy one below');
    const header = ['app', 'instances', 'running / healthy', 'tasks', 'scale', ''].map((c) => h('th', {}, c));
    return h('table', {}, h('thead', {}, h('tr', {}, ...header)), h('tbody', {}, ...apps.map((a) => this.row(a))));
  }

  private row(app: AppCard): HTMLElement {
    const destroy = h('button', { type: 'button', class: 'danger', 'data-action': 'destroy' }, 'Destroy');
    destroy.addEventListener('click', () => this.act('destroy', { id: app.id }));
    const healthy = app.healthChecks === 0 ? '—' : String(app.healthy);
    const counts = `${app.running} / ${healthy}${app.staged > 0 ? ` (${app.staged} staged)` : ''}`;
    return h(
      'tr',
      { 'data-app': app.id },
      h(
        'td',
        {},
        h('code', {}, app.id),
        app.deploying ? h('span', { class: 'badge warn' }, 'deploying') : null,
        app.waiting === null ? null : h('div', { class: 'waiting muted' }, `waiting: ${app.waiting}`),
        ...app.unservedPorts.map(unservedNote),
      ),
      h('td', { class: 'instances' }, String(app.instances)),
      h('td', { class: 'running' }, counts),
      h('td', {}, h('ul', { class: 'tasks' }, ...app.tasks.map(taskItem))),
      h('td', { class: 'scale' }, ...this.scaleControls(app)),
      h('td', { class: 'actions' }, destroy),
    );
  }

  private scaleControls(app: AppCard): Node[] {
    const input =
      this.inputs.get(app.id) ??
      h('input', {
        type: 'number',
        min: '0',
        step: '1',
        value: String(app.instances),
        'aria-label': `instances of ${app.id}`,
      });
    if (document.activeElement !== input && input.value === input.dataset['shown']) input.value = String(app.instances);
    input.dataset['shown'] = String(app.instances);
    this.inputs.set(app.id, input);
    const scale = h('button', { type: 'button', 'data-action': 'scale' }, 'Scale');
    scale.addEventListener('click', () => this.act('scale', { id: app.id, instances: Number(input.value) }));
    return [input, scale];
  }

  /** The next snapshots show the effect; only a failure is reported. */
  private act(action: 'scale' | 'destroy', body: { id: string; instances?: number }): void {
    this.access
      .post(`apps/${action}`, body)
      .catch((err: unknown) => this.report(`${action} ${body.id} failed: ${messageOf(err)}`));
  }
}

/** A service port the load balancer cannot listen on: flagged, with why. */
function unservedNote(u: AppCard['unservedPorts'][number]): HTMLElement {
  return h(
    'div',
    { class: 'error', 'data-unserved-port': String(u.servicePort) },
    `service port ${u.servicePort} not served: ${u.reason}`,
  );
}

function taskItem(task: AppCard['tasks'][number]): HTMLElement {
  const health =
    task.healthy === null
      ? null
      : h('span', { class: `badge ${task.healthy ? 'healthy' : 'unhealthy'}` }, task.healthy ? 'healthy' : 'unhealthy');
  const links = task.endpoints.map((e) => h('a', { href: `http://${e}`, target: '_blank' }, e));
  return h(
    'li',
    { title: task.id },
    h('span', { class: `badge ${task.state}` }, task.state),
    ' ',
    ...links,
    ' ',
    health,
  );
}

/** Wires the Deploy form: the JSON goes to the scheduler as `minicluster deploy` sends it. */
export function wireDeployForm(access: Access): void {
  const form = document.getElementById('deploy-form') as HTMLFormElement;
  const text = document.getElementById('app-json') as HTMLTextAreaElement;
  const result = document.getElementById('deploy-result') as HTMLElement;
  const errors = document.getElementById('deploy-errors') as HTMLElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    fill(errors);
    const parsed = parseApp(text.value);
    if ('error' in parsed) return void fill(result, h('span', { class: 'error' }, parsed.error));
    fill(result, 'deploying…');
    access.post<{ deploymentId: string }>('apps/deploy', parsed.app).then(
      (answer) => fill(result, `deployment ${answer.deploymentId} started`),
      (err: unknown) => {
        fill(result, h('span', { class: 'error' }, messageOf(err)));
        fill(errors, ...detailItems(err));
      },
    );
  });
}

/** The form deploys without force; a lock is overridden from the CLI. */
const FORCE = 'minicluster deploy --force';

/** The parsed JSON, or where it stops being JSON. */
function parseApp(text: string): { app: unknown } | { error: string } {
  const mistake = jsonSyntaxError(text);
  return mistake === null ? { app: JSON.parse(text) as unknown } : { error: `not valid JSON: ${mistake}` };
}

/** Marathon's `details: [{path, errors}]` in words, one item per error. */
function detailItems(err: unknown): HTMLElement[] {
  if (!(err instanceof HttpError)) return [];
  return readableError(err.body, { force: FORCE })
    .details.filter((d) => d.path !== '')
    .map((d) => h('li', { 'data-path': d.path }, d.text));
}

/** What failed, in words. */
export function messageOf(err: unknown): string {
  return errorText(err, FORCE);
}
