// Running a state-changing call from a button: what it started (its deployment), its error in words, or
// Marathon's 409 lock message (naming its deployments) with a button that repeats the call with force=true.
import { errorText, fill, h, HttpError, type Child } from '../common/dom.js';
import type { DeploymentResult } from './api.js';

/** How the page overrides a deployment lock, in Marathon's lock message. */
export const FORCE = 'the Force button';

/** A call that may be repeated with `force`. */
export type ForceableCall = (force: boolean) => Promise<DeploymentResult | null>;

export interface ActionOptions {
  /** Where the outcome is shown. */
  box: HTMLElement;
  /** What the user did, e.g. `Scale to 2`. */
  label: string;
  call: ForceableCall;
  /** Runs after a success, e.g. to re-read the page or leave it. */
  done: () => void;
}

export async function runAction(o: ActionOptions, force = false): Promise<void> {
  fill(o.box, h('span', { class: 'muted' }, `${o.label}…`));
  try {
    const result = await o.call(force);
    fill(
      o.box,
      h('span', { class: 'ok-text' }, `${o.label}: `, result === null ? 'done' : deploymentLink(result.deploymentId)),
    );
    o.done();
  } catch (err) {
    fill(o.box, ...failure(o, err));
  }
}

function deploymentLink(id: string): HTMLElement {
  return h('span', {}, 'deployment ', h('a', { href: '#/deployments', 'data-deployment': id }, id), ' started');
}

function failure(o: ActionOptions, err: unknown): Child[] {
  const message = h(
    'span',
    { class: 'error', 'data-role': 'action-error' },
    `${o.label} failed: ${errorText(err, FORCE)}`,
  );
  if (!(err instanceof HttpError) || err.status !== 409 || !lockedBy(err.body)) return [message];
  const retry = h('button', { class: 'danger', 'data-action': 'force' }, 'Force');
  retry.addEventListener('click', () => void runAction(o, true));
  return [message, ' ', retry];
}

/** Whether a 409 body is the deployment-lock answer (it names the deployments). */
function lockedBy(body: unknown): boolean {
  return typeof body === 'object' && body !== null && Array.isArray((body as { deployments?: unknown }).deployments);
}
