// The one gate in front of every HTTP server of the cluster (masters, agents, schedulers, the dashboard and
// the control API), so that only the user drives it, never a web page the user happens to visit:
//
// - Host: a request must name this server by a loopback name (127.0.0.1, localhost, [::1]) or a name it was
//   configured with; anything else (DNS rebinding) gets 421. Any port: a standby scheduler forwards the Host its
//   client used to the leader, which answers with URLs of that Host.
// - Origin: a browser request that may change something (any method but GET, HEAD and OPTIONS, and every
//   WebSocket upgrade) is refused with 403 when its Origin is not one of the cluster's own pages. Own means
//   `http://NAME:PORT` where NAME is one of the names above and PORT is the port the request arrived on or
//   another port of the cluster's web servers (masters, agents, schedulers, the dashboard): a standby's
//   Marathon UI changes apps through its proxy, which hands the page's Origin on to the leader. Requests
//   without an Origin (the CLI, curl, the components themselves) are not browsers' and pass. Reads are not
//   screened: CORS stays off, so a page elsewhere cannot read an answer, and the JSONP the masters' UIs read
//   agents with is a GET by a script tag, which cannot change anything.
// - Bodies: a request with a body whose method may change something must declare a media type the server
//   reads (the dialect's rule: JSON, as Marathon and Mesos declare), so no form or text/plain request, which a
//   page can send without a CORS preflight, is ever read.
// Refusals are answered in the real system's words and format, and each foreign Host or Origin is logged once.
// The control API and the dashboard also require the cluster's token, compared here in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MAX_LOGGED_HEADER_CHARS, MAX_LOGGED_REFUSALS } from './limits.js';
import type { Logger } from './logging.js';

export interface Refusal {
  status: number;
  message: string;
}

/** How one kind of server reads request bodies and words its refusals. */
export interface Dialect {
  /** Why a body of this Content-Type (undefined: none given) is not read, or null when it is. */
  bodyProblem(contentType: string | undefined): Refusal | null;
  /** Answers a refusal in the server's format. */
  send(res: Response, refusal: Refusal): void;
}

/** Where a server is reached, and which pages are its own. */
export interface Site {
  /** Names that reach this server besides the loopback ones: a configured bind address or advertised host. */
  hostnames?: readonly (string | undefined)[];
  /** Ports of the cluster's web servers; the port a request arrives on is always one of ours. */
  ports?: readonly number[];
}

export interface GuardOptions {
  dialect: Dialect;
  log: Logger;
  site?: Site;
}

export interface RequestGuard {
  /** Express middleware, mounted before any route. */
  readonly http: RequestHandler;
  /** The refusal of a WebSocket upgrade request, or null to let it through. */
  upgrade(req: IncomingMessage): Refusal | null;
}

const JSON_TYPE = 'application/json';
const PROTOBUF_TYPE = 'application/x-protobuf';
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Mesos: `Content-Type` compared as a whole string; JSON is read, protobuf is not implemented here. */
export const MESOS_DIALECT: Dialect = {
  bodyProblem: (contentType) => {
    if (contentType === undefined) return { status: 400, message: "Expecting 'Content-Type' to be present" };
    if (contentType === JSON_TYPE) return null;
    if (contentType === PROTOBUF_TYPE) return { status: 415, message: `Calls are accepted as ${JSON_TYPE} only` };
    return { status: 415, message: `Expecting 'Content-Type' of ${JSON_TYPE} or ${PROTOBUF_TYPE}` };
  },
  send: (res, refusal) => void res.status(refusal.status).type('text/plain').send(refusal.message),
};

/** Marathon (Jersey's @Consumes JSON): the media type without its parameters; 415 as JSON `{message}`. */
export const MARATHON_DIALECT: Dialect = {
  bodyProblem: (contentType) => (isJson(contentType) ? null : { status: 415, message: 'Unsupported Media Type' }),
  send: (res, refusal) => void res.status(refusal.status).json({ message: refusal.message }),
};

/** The control API and the dashboard: JSON bodies, errors as `{error}`. */
export const CONTROL_DIALECT: Dialect = {
  bodyProblem: (contentType) =>
    isJson(contentType) ? null : { status: 415, message: `Unsupported Media Type: expecting ${JSON_TYPE}` },
  send: (res, refusal) => void res.status(refusal.status).json({ error: refusal.message }),
};

export function requestGuard(options: GuardOptions): RequestGuard {
  const names = new Set(
    [...LOOPBACK_NAMES, ...(options.site?.hostnames ?? [])].flatMap((n) => (n ? [n.toLowerCase()] : [])),
  );
  const sitePorts = options.site?.ports ?? [];
  const once = new OnceLog(options.log);
  const screen = (req: IncomingMessage, mutating: boolean): Refusal | null => {
    const host = req.headers.host;
    if (host === undefined || !names.has(hostName(host))) {
      once.note(`host ${host}`, `Refusing requests for Host '${clip(host)}': not a name this server answers to`);
      return { status: 421, message: `Host '${clip(host)}' is not a name this server answers to` };
    }
    const origin = req.headers.origin;
    const own = { names, ports: [req.socket.localPort, ...sitePorts] };
    if (!mutating || origin === undefined || isOwnOrigin(origin, own)) return null;
    once.note(`origin ${origin}`, `Refusing changes from Origin '${clip(origin)}': not a page of this cluster`);
    return { status: 403, message: `Origin '${clip(origin)}' is not a page of this cluster` };
  };
  return {
    http: (req: Request, res: Response, next: NextFunction) => {
      const mutating = !SAFE_METHODS.has(req.method);
      const refusal =
        screen(req, mutating) ??
        (mutating && hasBody(req) ? options.dialect.bodyProblem(req.get('content-type')) : null);
      if (refusal === null) next();
      else options.dialect.send(res, refusal);
    },
    upgrade: (req) => screen(req, true),
  };
}

/** Answers a refused upgrade on its raw socket and closes it. */
export function refuseUpgrade(socket: Duplex, refusal: Refusal): void {
  const body = Buffer.from(refusal.message);
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status] ?? 'Refused'}\r\nConnection: close\r\n` +
      `Content-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${refusal.message}`,
  );
}

/** Whether `given` is `expected`, in time that depends on neither (both are hashed to one length first). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  503: 'Service Unavailable',
};

interface Own {
  names: ReadonlySet<string>;
  /** The port the request arrived on and the site's. */
  ports: readonly (number | undefined)[];
}

/** The name of a Host header (`name`, `name:port`, `[v6]:port`), lowercased; '' when it is malformed. */
function hostName(host: string): string {
  return /^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$/.exec(host.toLowerCase())?.[1] ?? '';
}

function isOwnOrigin(origin: string, own: Own): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && own.names.has(url.hostname) && own.ports.includes(Number(url.port || 80));
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** `application/json`, whatever its parameters and case. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === JSON_TYPE;
}

function clip(value: string | undefined): string {
  return (value ?? '').slice(0, MAX_LOGGED_HEADER_CHARS);
}

/** Logs each distinct refusal once, and says so once when there are too many to remember. */
class OnceLog {
  private readonly seen = new Set<string>();

  constructor(private readonly log: Logger) {}

  note(key: string, message: string): void {
    if (this.seen.has(key) || this.seen.size > MAX_LOGGED_REFUSALS) return;
    this.seen.add(key);
    if (this.seen.size > MAX_LOGGED_REFUSALS) this.log.warn('Refusing more foreign requests without logging them');
    else this.log.warn(`${message}; further ones are refused without a log line`);
  }
}
