// The master UI's pages as URL hashes: #/ (summary), #/agents, #/frameworks, #/tasks and
// #/tasks/<task id>/sandbox?path=<path inside the sandbox>.

export type Route =
  | { page: 'summary' }
  | { page: 'agents' }
  | { page: 'frameworks' }
  | { page: 'tasks' }
  | { page: 'sandbox'; taskId: string; path: string };

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const q = text.indexOf('?');
  const path = q === -1 ? text : text.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : text.slice(q + 1));
  const parts = path.split('/').filter((p) => p !== '');
  const [first, taskId, third] = parts.map(safeDecode);
  if (first === 'tasks' && taskId !== undefined && third === 'sandbox')
    return { page: 'sandbox', taskId, path: query.get('path') ?? '' };
  if (parts.length === 1 && (first === 'agents' || first === 'frameworks' || first === 'tasks')) return { page: first };
  return { page: 'summary' };
}

/** A path inside a task's sandbox, relative to it ('' is the sandbox itself). */
export function sandboxHref(taskId: string, path = ''): string {
  const query = path === '' ? '' : `?${new URLSearchParams({ path }).toString()}`;
  return `#/tasks/${encodeURIComponent(taskId)}/sandbox${query}`;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
