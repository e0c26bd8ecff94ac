// The create form: app JSON in a textarea, POST /v2/apps, and Marathon's validation errors listed by
// their `details[].path` beside the textarea.
import { fill, h, HttpError } from '../common/dom.js';
import { api, type ErrorDetail } from './api.js';
import { appLink, panel } from './view.js';

const EXAMPLE =
  '{\n  "id": "/hello",\n  "cmd": "python3 -m http.server $PORT0",\n  "instances": 1,\n  "cpus": 0.1,\n  "mem": 32\n}';

/** The form's panel; `created` runs after the API accepted an app. */
export function createForm(created: () => void): HTMLElement {
  const text = h('textarea', { name: 'app', spellcheck: 'false', placeholder: EXAMPLE });
  const errors = h('div', { class: 'form-errors', 'data-role': 'create-errors' });
  const submit = h('button', { type: 'submit' }, 'Create app');
  const form = h('form', { class: 'create' }, h('div', {}, text, h('div', { class: 'form-actions' }, submit)), errors);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(text.value, errors).then((ok) => ok && created());
  });
  return panel('Create application', { 'data-role': 'create' }, form);
}

async function send(body: string, errors: HTMLElement): Promise<boolean> {
  fill(errors, h('span', { class: 'muted' }, 'Sending…'));
  try {
    const app = await api.create(body);
    fill(
      errors,
      h(
        'span',
        { class: 'ok-text' },
        'Created ',
        appLink(app.id),
        app.deployments[0] ? ` (deployment ${app.deployments[0].id})` : '',
      ),
    );
    return true;
  } catch (err) {
    fill(errors, ...describe(err));
    return false;
  }
}

/** The error message, then one line per `details[]` entry (path: errors), or the details text. */
function describe(err: unknown): Node[] {
  const message = h('div', { class: 'error' }, err instanceof Error ? err.message : String(err));
  if (!(err instanceof HttpError)) return [message];
  const details = (err.body as { details?: unknown } | null)?.details;
  if (typeof details === 'string') return [message, h('div', { class: 'mono muted' }, details)];
  if (!Array.isArray(details)) return [message];
  return [message, h('ul', { class: 'details' }, ...(details as ErrorDetail[]).map(detailItem))];
}

function detailItem(detail: ErrorDetail): HTMLElement {
  return h('li', { 'data-path': detail.path }, h('code', {}, detail.path), ' ', detail.errors.join('; '));
}
