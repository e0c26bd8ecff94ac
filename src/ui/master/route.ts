// The master UI's pages as URL hashes: #/ (summary), #/agents, #/agents/<agent id> (and its /log),
// #/frameworks, #/tasks, #/tasks/<task id>/sandbox?path=<path inside the sandbox>, #/roles, #/maintenance
// and #/log (the leading master's log).

export type Route =
  | { page: 'summary' }
  | { page: 'agents' }
  | { page: 'agent'; agentId: string }
  | { page: 'agentLog'; agentId: string }
  | { page: 'frameworks' }
  | { page: 'tasks' }
  | { page: 'sandbox'; taskId: string; path: string }
  | { page: 'roles' }
  | { page: 'maintenance' }
  | { page: 'log' };

const LISTS = ['agents', 'frameworks', 'tasks', 'roles', 'maintenance', 'log'] as const;

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const q = text.indexOf('?');
  const path = q === -1 ? text : text.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : text.slice(q + 1));
  const parts = path.split('/').filter((p) => p !== '');
  const [first, second, third] = parts.map(safeDecode);
  if (first === 'tasks' && second !== undefined && third === 'sandbox')
    return { page: 'sandbox', taskId: second, path: query.get('path') ?? '' };
  if (first === 'agents' && second !== undefined)
    return third === 'log' ? { page: 'agentLog', agentId: second } : { page: 'agent', agentId: second };
  const list = LISTS.find((name) => name === first);
  if (parts.length === 1 && list !== undefined) return { page: list };
  return { page: 'summary' };
}

export function agentHref(agentId: string): string {
  return `#/agents/${encodeURIComponent(agentId)}`;
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
