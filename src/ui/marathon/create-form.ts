// The create form: app JSON in a textarea (where it stops being JSON said by line and column), POST /v2/apps,
// and Marathon's validation errors listed in words by their `details[].path` beside the textarea.
import { errorText, fill, h, HttpError, type Child } from '../common/dom.js';
import { jsonSyntaxError, readableError, type ReadableDetail } from '../common/marathon-errors.js';
import { api } from './api.js';
import { FORCE } from './actions.js';
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
  const mistake = jsonSyntaxError(body);
  if (mistake !== null) {
    fill(errors, h('div', { class: 'error' }, `Invalid JSON: ${mistake}`));
    return false;
  }
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

/** The error in words, then one line per violation with its path. */
function describe(err: unknown): Child[] {
  const message = h('div', { class: 'error' }, errorText(err, FORCE));
  if (!(err instanceof HttpError)) return [message];
  const fields = readableError(err.body, { force: FORCE }).details.filter((d) => d.path !== '');
  return [message, fields.length === 0 ? null : h('ul', { class: 'details' }, ...fields.map(detailItem))];
}

function detailItem(detail: ReadableDetail): HTMLElement {
  return h('li', { 'data-path': detail.path }, detail.text);
}
