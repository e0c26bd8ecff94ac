// What masters and agents share of Mesos's /files/*: `/files/read` as Mesos answers it (offset -1 or none
// answers the size, an offset at or past the end answers no data, reads capped at MAX_FILES_READ_BYTES,
// 400 for a bad number; JSON or JSONP), `path` required, and a component's log at its virtual path.
import type { Request, Response } from 'express';
import { queryParam, sendJson } from './jsonp.js';
import { MAX_FILES_READ_BYTES } from './limits.js';

/** Something /files/read can page through: a file, or a component's log as text. */
export interface ChunkSource {
  size(): Promise<number>;
  /** Up to `length` bytes from `offset`; a source that no longer holds `offset` answers from the first byte it holds. */
  read(offset: number, length: number): Promise<{ offset: number; data: Buffer }>;
}

export interface ReadQuery {
  /** -1: only the size. */
  offset: number;
  /** -1: to the end (capped). */
  length: number;
}

export function fail(res: Response, status: number, message = ''): void {
  res.status(status).type('text/plain').send(message);
}

/** `?path=`, or null after answering 400 as Mesos does. */
export function pathParam(req: Request, res: Response): string | null {
  const path = queryParam(req, 'path');
  if (path !== undefined && path !== '') return path;
  fail(res, 400, "Expecting 'path=value' in query.\n");
  return null;
}

/** `?name=` as an integer of at least -1 (default -1), or null after answering 400. */
function integerParam(req: Request, res: Response, name: string): number | null {
  const text = queryParam(req, name);
  const value = text === undefined ? -1 : Number(text);
  if (Number.isInteger(value) && value >= -1) return value;
  fail(res, 400, `Failed to parse ${name}: '${text ?? ''}' is not a valid value.\n`);
  return null;
}

/** `?offset=&length=`, or null after answering 400. */
export function readQuery(req: Request, res: Response): ReadQuery | null {
  const offset = integerParam(req, res, 'offset');
  const length = offset === null ? null : integerParam(req, res, 'length');
  return offset === null || length === null ? null : { offset, length };
}

/** `{offset, data}` from the source as Mesos's /files/read answers. */
export async function sendChunk(req: Request, res: Response, source: ChunkSource, q: ReadQuery): Promise<void> {
  const size = await source.size();
  const offset = q.offset === -1 ? size : q.offset;
  if (offset >= size) return sendJson(req, res, { offset: size, data: '' });
  const length = Math.min(q.length === -1 ? size - offset : q.length, MAX_FILES_READ_BYTES);
  const chunk = await source.read(offset, length);
  sendJson(req, res, { offset: chunk.offset, data: chunk.data.toString('utf8') });
}

/** A component's log at its virtual path (`/master/log`, `/slave/log`): read or downloaded as readable text. */
export interface AttachedLog {
  virtualPath: string;
  /** The log as text; `file` is the log it is read from, `name` what a download is called. */
  log: ChunkSource & { readonly file: string; readonly name: string };
}

/** Answers `/files/read` or `/files/download` of the attached log; false when `path` is something else. */
export async function serveLog(
  endpoint: 'read' | 'download',
  req: Request,
  res: Response,
  o: { attached: AttachedLog; path: string },
): Promise<boolean> {
  if (o.path.replace(/\/+$/, '') !== o.attached.virtualPath) return false;
  const { log } = o.attached;
  if (endpoint === 'download') {
    const kept = await log.read(0, await log.size());
    res.attachment(log.name).type('text/plain').send(kept.data);
    return true;
  }
  const q = readQuery(req, res);
  if (q !== null) await sendChunk(req, res, log, q);
  return true;
}
