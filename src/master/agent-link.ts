// The agent link of one master: a WebSocket server at AGENT_LINK_PATH on its HTTP port, one JSON
// message per frame, a connection id per link for the core's inputs; upgrades the request guard refuses are
// answered with its status, refused links are closed at once.
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { MAX_AGENT_LINK_BUFFER_BYTES, MAX_AGENT_MESSAGE_BYTES } from '../common/limits.js';
import type { Logger } from '../common/logging.js';
import type { RequestGuard } from '../common/request-guard.js';
import { AGENT_LINK_PATH, type AgentToMaster, type MasterToAgent } from './core/protocol.js';
import { agentInfo, frameworkInfo, id, list, obj, str, task, taskState, taskStatus, type Check } from './shape.js';

/** Why a new link may not stay open. */
export interface Refusal {
  code: number;
  reason: string;
}

export interface AgentLinkOptions {
  server: Server;
  log: Logger;
  /** Screens each upgrade request before the WebSocket handshake. */
  guard: RequestGuard;
  /** Asked for every new link: null keeps it open. */
  admit: () => Refusal | null;
  /** `remoteIp`: the agent's address as this master sees it. */
  onMessage: (connection: string, message: AgentToMaster, remoteIp: string) => void;
  onClose: (connection: string) => void;
}

/** RFC 6455 "going away": the master stops. */
export const GOING_AWAY_CLOSE_CODE = 1001;

export class AgentLink {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Map<string, WebSocket>();
  private count = 0;

  constructor(private readonly options: AgentLinkOptions) {
    this.wss = new WebSocketServer({
      server: options.server,
      path: AGENT_LINK_PATH,
      maxPayload: MAX_AGENT_MESSAGE_BYTES,
      verifyClient: ({ req }, done) => {
        const refusal = options.guard.upgrade(req);
        if (refusal === null) done(true);
        else done(false, refusal.status, refusal.message);
      },
    });
    this.wss.on('connection', (ws, req) => this.accept(ws, req));
  }

  send(connection: string, message: MasterToAgent): void {
    const ws = this.sockets.get(connection);
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_AGENT_LINK_BUFFER_BYTES) {
      this.options.log.warn(`Dropping agent link ${connection}: the agent does not read its messages`);
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(message));
  }

  /** Closes every link (this master stopped leading). */
  closeAll(refusal: Refusal): void {
    for (const ws of this.sockets.values()) ws.close(refusal.code, refusal.reason);
  }

  async close(): Promise<void> {
    this.closeAll({ code: GOING_AWAY_CLOSE_CODE, reason: 'master is stopping' });
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const refusal = this.options.admit();
    if (refusal !== null) {
      ws.close(refusal.code, refusal.reason);
      return;
    }
    const connection = `agent-link-${++this.count}`;
    const remoteIp = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.sockets.set(connection, ws);
    ws.on('message', (data, isBinary) => this.receive(connection, isBinary ? null : data, remoteIp));
    ws.on('error', (err) => this.options.log.warn(`Agent link ${connection} failed: ${err.message}`));
    ws.on('close', () => {
      if (this.sockets.delete(connection)) this.options.onClose(connection);
    });
  }

  private receive(connection: string, data: RawData | null, remoteIp: string): void {
    const parsed = data === null ? 'binary frames are not agent messages' : parseAgentMessage(rawText(data));
    if (typeof parsed === 'string') {
      this.options.log.warn(`Ignoring an invalid message on agent link ${connection}: ${parsed}`);
      return;
    }
    this.options.onMessage(connection, parsed, remoteIp);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

const MESSAGES: Record<AgentToMaster['type'], Check> = {
  REGISTER: obj({ agent: agentInfo, version: str }),
  REREGISTER: obj({ agent: agentInfo, version: str }, { tasks: list(task), frameworks: list(frameworkInfo) }),
  STATUS_UPDATE: obj({ update: obj({ framework_id: id, status: taskStatus }, { latest_state: taskState }) }),
  PONG: obj({}),
};

/** An agent's message, or what is wrong with it. */
export function parseAgentMessage(text: string): AgentToMaster | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(MESSAGES, type)) return `unknown message type ${JSON.stringify(type)}`;
  const problem = MESSAGES[type as AgentToMaster['type']](json, '');
  if (problem !== null) return problem;
  const message = json as AgentToMaster;
  if (message.type === 'REREGISTER' && message.agent.id === undefined) return 'Missing required fields: agent.id';
  return message;
}
