// The deployments page (#/deployments): each running plan with its affected apps and steps (the current
// one marked), a rollback button (DELETE /v2/deployments/{id}) and a force-stop one (?force=true).
import { fill, h } from '../common/dom.js';
import { runAction } from './actions.js';
import { api, type Deployment, type DeploymentAction } from './api.js';
import { appLink, panel, table, time, type View } from './view.js';

const HEADERS = ['Deployment', 'Started', 'Affected apps', 'Steps', ''];

export function deploymentsView(): View {
  const list = h('div', { 'data-role': 'deployments' });
  const box = h('div', { class: 'action-result', 'data-role': 'action-result' });
  const view: View = {
    root: h('div', { class: 'stack' }, panel('Deployments in progress', {}, box, list)),
    refresh: async () => {
      const deployments = await api.deployments();
      fill(
        list,
        table(
          HEADERS,
          deployments.map((d) => deploymentRow(d, box, () => void view.refresh())),
          'No deployment in progress.',
        ),
      );
    },
  };
  return view;
}

function deploymentRow(d: Deployment, box: HTMLElement, changed: () => void): HTMLTableRowElement {
  const button = (label: string, force: boolean, cls: string): HTMLButtonElement => {
    const b = h('button', { class: cls, 'data-action': force ? 'stop' : 'rollback' }, label);
    b.addEventListener(
      'click',
      () =>
        void runAction({
          box,
          label: `${label} ${d.id}`,
          call: () => api.cancelDeployment(d.id, force),
          done: changed,
        }),
    );
    return b;
  };
  return h(
    'tr',
    { 'data-deployment': d.id },
    h('td', { class: 'mono' }, d.id),
    h('td', {}, time(d.version)),
    h('td', {}, ...d.affectedApps.map((id) => h('div', {}, appLink(id)))),
    h(
      'td',
      {},
      h('ol', { class: 'steps' }, ...d.steps.map((step, i) => stepItem(step.actions, i + 1 === d.currentStep))),
    ),
    h('td', { class: 'buttons' }, button('Rollback', false, ''), button('Force stop', true, 'danger')),
  );
}

function stepItem(actions: readonly DeploymentAction[], current: boolean): HTMLElement {
  const text = actions.map((a) => `${a.action} ${a.app}`).join(', ');
  return h(
    'li',
    current ? { class: 'current', 'aria-current': 'step' } : {},
    text,
    current ? h('span', { class: 'muted' }, ' ← current') : null,
  );
}
