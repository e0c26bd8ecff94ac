// Loads the captured ZooKeeper 3.8 frames (zk-golden/**/*.hex) for the wire tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ZK_GOLDEN } from '../../helpers/repo.js';

export interface GoldenFrame {
  file: string;
  /** The [NN] number of the frame in its file. */
  index: number;
  conn: string;
  dir: 'C>S' | 'S>C';
  desc: string;
  /** The exact bytes, length prefix included. */
  bytes: Buffer;
}

export function goldenFiles(ext: string, dir = ZK_GOLDEN): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return goldenFiles(ext, full);
      return name.endsWith(ext) ? [full] : [];
    });
}

const FRAME_LINE = /^# \[(\d+)\] (conn\d+) (C>S|S>C) \d+ bytes: (.*)$/;

export function parseHexFile(file: string): GoldenFrame[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const frames: GoldenFrame[] = [];
  lines.forEach((line, i) => {
    const m = FRAME_LINE.exec(line);
    if (m === null) {
      if (line.startsWith('# [')) throw new Error(`${file}:${i + 1}: unparsed frame line`);
      return;
    }
    const hex = lines[i + 1] ?? '';
    if (!/^[0-9a-f]+$/.test(hex)) throw new Error(`${file}:${i + 2}: expected a hex line`);
    frames.push({
      file: path.relative(ZK_GOLDEN, file),
      index: Number(m[1]),
      conn: m[2] ?? '',
      dir: m[3] === 'C>S' ? 'C>S' : 'S>C',
      desc: m[4] ?? '',
      bytes: Buffer.from(hex, 'hex'),
    });
  });
  return frames;
}

export function allGoldenFrames(): GoldenFrame[] {
  return goldenFiles('.hex').flatMap(parseHexFile);
}

export interface CaptureStream {
  kind: 'QUORUM' | 'ELECTION';
  name: string;
  messages: { desc: string; bytes: Buffer }[];
}

/** ensemble/quorum-and-election-capture.txt: "## KIND stream …" sections of "# desc" + hex lines. */
export function parsePeerCapture(
  file = path.join(ZK_GOLDEN, 'ensemble/quorum-and-election-capture.txt'),
): CaptureStream[] {
  const streams: CaptureStream[] = [];
  let desc = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const section = /^## (QUORUM|ELECTION) stream (.*)$/.exec(line);
    const current = streams[streams.length - 1];
    if (section !== null) {
      streams.push({ kind: section[1] === 'QUORUM' ? 'QUORUM' : 'ELECTION', name: section[2] ?? '', messages: [] });
    } else if (line.startsWith('#')) {
      desc = line.slice(2);
    } else if (/^[0-9a-f]+$/.test(line)) {
      if (current === undefined) throw new Error(`hex before any stream: ${line.slice(0, 20)}`);
      current.messages.push({ desc, bytes: Buffer.from(line, 'hex') });
    }
  }
  return streams;
}
