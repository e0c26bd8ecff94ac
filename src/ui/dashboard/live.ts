// The snapshot stream: a WebSocket that hands each snapshot to the page, and reconnects after a
// pause when it drops (a restarted supervisor, a suspended laptop), checking the token first.
import { HttpError } from '../common/dom.js';
import type { DashboardSnapshot } from './model.js';
import type { Access } from './access.js';

/** Wait before connecting again after the socket dropped. */
const RECONNECT_MS = 1_000;

export type LinkState = 'connecting' | 'live' | 'down' | 'refused';

export interface LiveOptions {
  access: Access;
  onSnapshot(snapshot: DashboardSnapshot): void;
  onState(state: LinkState): void;
}

export function follow(options: LiveOptions): void {
  void connect(options);
}

async function connect(options: LiveOptions): Promise<void> {
  options.onState('connecting');
  try {
    await options.access.check();
  } catch (err) {
    if (err instanceof HttpError && err.status === 401) return options.onState('refused');
    return retry(options);
  }
  const socket = new WebSocket(options.access.socketUrl());
  socket.onopen = () => options.onState('live');
  socket.onmessage = (message: MessageEvent<string>) =>
    options.onSnapshot(JSON.parse(message.data) as DashboardSnapshot);
  socket.onclose = () => retry(options);
}

function retry(options: LiveOptions): void {
  options.onState('down');
  setTimeout(() => void connect(options), RECONNECT_MS);
}
