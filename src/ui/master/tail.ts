// The end of a file read through a master's or an agent's /files/read (JSONP: they are other origins): at most
// 64 KiB, with a download link. Sandbox files and the components' logs (`/master/log`, `/slave/log`) show so.
import { h } from '../common/dom.js';
import { bytes } from './format.js';
import { jsonp } from './jsonp.js';
import type { FileChunk } from './mesos.js';
import { link, panel } from './widgets.js';

/** What /files/read returns at most per request. */
const READ_BYTES = 64 * 1024;

/** `base`: `http://host:port` of the master or agent. */
export function filesUrl(
  base: string,
  endpoint: 'browse' | 'read' | 'download',
  params: Record<string, string>,
): string {
  return `${base}/files/${endpoint}?${new URLSearchParams(params).toString()}`;
}

export async function tailPanel(o: { base: string; path: string; title: string }): Promise<HTMLElement> {
  const size = (await jsonp<FileChunk>(filesUrl(o.base, 'read', { path: o.path, offset: '-1' }))).offset;
  const offset = Math.max(0, size - READ_BYTES);
  const chunk = await jsonp<FileChunk>(
    filesUrl(o.base, 'read', { path: o.path, offset: String(offset), length: String(READ_BYTES) }),
  );
  const note = chunk.offset > 0 ? `last ${bytes(size - chunk.offset)} of ${bytes(size)}` : bytes(size);
  return panel(
    o.title,
    h('p', { class: 'muted' }, note, ' · ', link(filesUrl(o.base, 'download', { path: o.path }), 'download')),
    h('pre', { class: 'file-content' }, chunk.data === '' ? h('span', { class: 'muted' }, '(empty)') : chunk.data),
  );
}
