// The agent's side of the agent link: one WebSocket per connection the core names, to
// `ws://<master>/agent`, carrying JSON AgentToMaster/MasterToAgent messages.
import WebSocket from 'ws';
import { errorMessage } from '../common/errors.js';
import { MAX_AGENT_MESSAGE_BYTES } from '../common/limits.js';
import type { Logger } from '../common/logging.js';
import { AGENT_LINK_PATH, type AgentToMaster, type MasterToAgent } from '../master/core/protocol.js';
import type { MasterInfo } from '../master/core/v1.js';
import { masterUrl } from '../master/info.js';

export interface LinkEvents {
  opened(connection: string): void;
  message(connection: string, message: MasterToAgent): void;
  /** Also after a failed connect. */
  closed(connection: string): void;
}

export class MasterLinks {
  private readonly sockets = new Map<string, WebSocket>();

  constructor(
    private readonly events: LinkEvents,
    private readonly logger: Logger,
  ) {}

  open(connection: string, master: MasterInfo): void {
    const url = `${masterUrl(master).replace(/^http/, 'ws')}${AGENT_LINK_PATH}`;
    const socket = new WebSocket(url, { maxPayload: MAX_AGENT_MESSAGE_BYTES });
    this.sockets.set(connection, socket);
    socket.on('open', () => this.events.opened(connection));
    socket.on('message', (data) => this.receive(connection, data.toString()));
    socket.on('error', (err) => this.logger.warn({ url, err: errorMessage(err) }, 'Agent link error'));
    socket.on('close', (code, reason) => {
      this.sockets.delete(connection);
      if (reason.length > 0)
        this.logger.info({ url, code, reason: reason.toString() }, 'The master closed the agent link');
      this.events.closed(connection);
    });
  }

  send(connection: string, message: AgentToMaster): void {
    const socket = this.sockets.get(connection);
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  close(connection: string): void {
    this.sockets.get(connection)?.terminate();
    this.sockets.delete(connection);
  }

  closeAll(): void {
    for (const connection of [...this.sockets.keys()]) this.close(connection);
  }

  private receive(connection: string, text: string): void {
    try {
      const message = JSON.parse(text) as MasterToAgent;
      if (typeof message?.type !== 'string') throw new Error('no message type');
      this.events.message(connection, message);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, 'Ignoring a malformed message from the master');
    }
  }
}
