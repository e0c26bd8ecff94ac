// The dashboard's token (from `?token=` in the URL the CLI prints, kept for this tab) and the
// requests that carry it: actions and reads with a bearer header, the WebSocket with the token in its URL.
import { json } from '../common/dom.js';

const STORAGE_KEY = 'minicluster-dashboard-token';

/** The token of the URL (then dropped from the address bar) or the one this tab kept; null when there is none. */
export function takeToken(): string | null {
  const url = new URL(location.href);
  const given = url.searchParams.get('token');
  if (given !== null && given !== '') {
    sessionStorage.setItem(STORAGE_KEY, given);
    url.searchParams.delete('token');
    history.replaceState(null, '', url);
  }
  return sessionStorage.getItem(STORAGE_KEY);
}

export class Access {
  constructor(private readonly token: string) {}

  /** POST `api/<path>` with a JSON body; a non-2xx answer throws HttpError with Marathon's or our body. */
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return json<T>(new URL(`api/${path}`, location.href).href, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { Authorization: `Bearer ${this.token}` },
    });
  }

  /** GET `api/<path>` as JSON; a non-2xx answer throws HttpError. */
  get<T>(path: string): Promise<T> {
    return json<T>(new URL(`api/${path}`, location.href).href, { headers: { Authorization: `Bearer ${this.token}` } });
  }

  /** Resolves when the token is the cluster's; throws HttpError 401 when it is not. */
  async check(): Promise<void> {
    await json(new URL('api/token', location.href).href, { headers: { Authorization: `Bearer ${this.token}` } });
  }

  socketUrl(): string {
    const url = new URL('ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = new URLSearchParams({ token: this.token }).toString();
    return url.href;
  }
}
