// Links between ensemble members: the election mesh (every member listens on its election port,
// the higher sid dials the lower) and the quorum links (only the leader listens; learners dial it).
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ServerEntry } from '../../cluster/member-config.js';
import {
  ELECTION_HELLO_TIMEOUT_MS,
  ELECTION_REDIAL_MAX_MS,
  ELECTION_REDIAL_MIN_MS,
  MAX_ELECTION_MESSAGE_BYTES,
  MAX_PEER_QUEUE_BYTES,
  MAX_SNAP_BACKLOG_MESSAGES,
  QUORUM_REDIAL_MS,
  SNAPSHOT_PIECE_BYTES,
} from '../../common/limits.js';
import type { LinkId, MemberInput } from '../core/effects.js';
import { FrameDecoder } from '../wire/index.js';
import {
  QuorumPacketDecoder,
  decodeElectionHello,
  decodeNotification as decodeElectionNotification,
  encodeElectionHello,
  encodeNotification as encodeElectionNotification,
  encodeZabMessage,
  type ElectionNotification,
  type ZabMessage,
  zabMessagePieces,
} from '../wire/peer.js';
import { closeServer, listenOn, writeCoalesced } from './net.js';

export interface PeerLinksOptions {
  self: ServerEntry;
  servers: readonly ServerEntry[];
  submit: (input: MemberInput) => void;
  log: Logger;
  /** How long a learner keeps dialling a leader whose quorum port does not answer. */
  leaderDialTimeoutMs: number;
}

/** Writes unless the peer has stopped reading; a stuck peer's link is dropped. */
function writeBounded(socket: Socket, bytes: Buffer, log: Logger, peer: string): void {
  if (!socket.writable) return;
  writeCoalesced(socket, bytes);
  if (socket.writableLength > MAX_PEER_QUEUE_BYTES) {
    log.warn({ peer, queued: socket.writableLength }, 'Peer is not reading; dropping its link');
    socket.destroy();
  }
}

/** The election mesh: one connection per pair of members, dialled by the higher sid. */
export class ElectionLinks {
  private readonly server: Server;
  private readonly links = new Map<number, Socket>();
  /** The newest notification for each peer: sent again when its link (re)appears, as ZooKeeper does. */
  private readonly latest = new Map<number, ElectionNotification>();
  private readonly redialDelay = new Map<number, number>();
  private readonly redialTimers = new Map<number, NodeJS.Timeout>();
  private readonly dialling = new Set<number>();
  private closed = false;

  constructor(private readonly opts: PeerLinksOptions) {
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  listen(): Promise<void> {
    const { host, electionPort } = this.opts.self;
    return listenOn(this.server, { host, port: electionPort, purpose: 'election' });
  }

  /** Dials every lower sid; higher sids dial this member. */
  start(): void {
    for (const peer of this.peers()) if (peer.sid < this.opts.self.sid) this.dial(peer.sid);
  }

  send(to: number, msg: ElectionNotification): void {
    this.latest.set(to, msg);
    const socket = this.links.get(to);
    if (socket === undefined) this.dial(to);
    else writeBounded(socket, encodeElectionNotification(msg), this.opts.log, `election ${to}`);
  }

  /** Stops listening, dialling and every link. */
  close(): void {
    this.closed = true;
    for (const timer of this.redialTimers.values()) clearTimeout(timer);
    for (const socket of this.links.values()) socket.destroy();
    this.server.close();
  }

  private peers(): ServerEntry[] {
    return this.opts.servers.filter((s) => s.sid !== this.opts.self.sid);
  }

  /** Reads the dialler's hello; a lower sid is dropped and dialled back (the higher sid dials). */
  private accept(socket: Socket): void {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      let hello: ReturnType<typeof decodeElectionHello>;
      try {
        hello = decodeElectionHello(head);
      } catch (err) {
        this.opts.log.warn({ reason: String(err) }, 'Dropping election connection with a malformed hello');
        socket.destroy();
        return;
      }
      if (hello === null) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      this.onHello(socket, hello.hello.sid, head.subarray(hello.bytes));
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
    socket.setTimeout(ELECTION_HELLO_TIMEOUT_MS, () => socket.destroy());
  }

  private onHello(socket: Socket, sid: number, rest: Buffer): void {
    const known = this.peers().some((p) => p.sid === sid);
    if (!known || sid < this.opts.self.sid) {
      socket.destroy();
      if (known) this.dialNow(sid);
      return;
    }
    this.adopt(sid, socket, rest);
  }

  private dialNow(sid: number): void {
    this.redialDelay.delete(sid);
    const timer = this.redialTimers.get(sid);
    if (timer !== undefined) clearTimeout(timer);
    this.redialTimers.delete(sid);
    this.dial(sid);
  }

  /**
   * Dials a peer unless a link or a dial is already there. To a lower sid this makes the link; to a
   * higher sid it only announces this member, which that peer answers by dialling back.
   */
  private dial(sid: number): void {
    if (this.closed || this.links.has(sid) || this.dialling.has(sid) || this.redialTimers.has(sid)) return;
    const peer = this.peers().find((p) => p.sid === sid);
    if (peer === undefined) return;
    this.dialling.add(sid);
    const { self } = this.opts;
    const socket = connect({ host: peer.host, port: peer.electionPort, noDelay: true });
    socket.once('connect', () => {
      this.dialling.delete(sid);
      socket.write(encodeElectionHello({ sid: self.sid, electionAddr: `${self.host}:${self.electionPort}` }));
      if (sid < self.sid) this.adopt(sid, socket, Buffer.alloc(0));
      else socket.end();
    });
    socket.on('error', () => {
      socket.destroy();
      if (!this.dialling.delete(sid)) return;
      if (sid < self.sid || this.latest.has(sid)) this.redialLater(sid);
    });
  }

  private redialLater(sid: number): void {
    if (this.closed) return;
    const delay = this.redialDelay.get(sid) ?? ELECTION_REDIAL_MIN_MS;
    this.redialDelay.set(sid, Math.min(delay * 2, ELECTION_REDIAL_MAX_MS));
    const timer = setTimeout(() => {
      this.redialTimers.delete(sid);
      this.dial(sid);
    }, delay);
    this.redialTimers.set(sid, timer);
  }

  /** Makes `socket` the link to `sid`, replacing an older one, and repeats the newest notification. */
  private adopt(sid: number, socket: Socket, rest: Buffer): void {
    this.links.get(sid)?.destroy();
    this.links.set(sid, socket);
    this.redialDelay.delete(sid);
    const decoder = new FrameDecoder(MAX_ELECTION_MESSAGE_BYTES);
    const onData = (chunk: Buffer): void => {
      try {
        for (const body of decoder.push(chunk)) {
          this.opts.submit({ kind: 'electionMessage', from: sid, msg: decodeElectionNotification(body) });
        }
      } catch (err) {
        this.opts.log.warn({ sid, reason: String(err) }, 'Dropping election link after a malformed notification');
        socket.destroy();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => this.onLinkClosed(sid, socket));
    const latest = this.latest.get(sid);
    if (latest !== undefined) this.send(sid, latest);
    if (rest.length > 0) onData(rest);
  }

  private onLinkClosed(sid: number, socket: Socket): void {
    if (this.links.get(sid) !== socket) return;
    this.links.delete(sid);
    this.opts.submit({ kind: 'electionLinkDown', sid });
    if (sid < this.opts.self.sid) this.redialLater(sid);
  }
}

interface QuorumLink {
  socket: Socket;
  peer: string;
  /** The core closed it: nothing more is read from it. */
  closing: boolean;
  /** While a snapshot is streamed on it: the messages sent after it, to follow it in order. */
  backlog: ZabMessage[] | null;
}

/** Bytes queued on a socket beyond which a snapshot stream waits for it to drain. */
const STREAM_QUEUE_BYTES = 4 * SNAPSHOT_PIECE_BYTES;

/** Quorum-port links: accepted from learners while leading, or this learner's link to its leader. */
export class QuorumLinks {
  private server: Server | null = null;
  /** Opening and closing the quorum port run one after another. */
  private serverOps: Promise<void> = Promise.resolve();
  private readonly links = new Map<LinkId, QuorumLink>();
  private readonly accepted = new Set<LinkId>();
  private nextLink = 1;
  /** Bumped to abandon the dial in progress. */
  private dialGeneration = 0;
  private closed = false;

  constructor(private readonly opts: PeerLinksOptions) {}

  /** Opens the quorum port (leading) or closes it and drops every learner's link. */
  listen(on: boolean): void {
    this.serverOps = this.serverOps
      .then(() => (on ? this.open() : this.shut()))
      .catch((err: unknown) => {
        this.opts.log.error({ reason: String(err) }, 'Quorum port failed');
      });
  }

  /** Dials the leader's quorum port, retrying while it opens; a new call abandons the previous dial. */
  connectToLeader(sid: number): void {
    const leader = this.opts.servers.find((s) => s.sid === sid);
    if (leader === undefined || this.closed) return;
    const generation = ++this.dialGeneration;
    const deadline = Date.now() + this.opts.leaderDialTimeoutMs;
    const attempt = (): void => {
      let connected = false;
      const socket = connect({ host: leader.host, port: leader.quorumPort, noDelay: true });
      socket.once('connect', () => {
        connected = true;
        if (generation === this.dialGeneration && !this.closed) this.adopt(socket, `leader ${sid}`);
        else socket.destroy();
      });
      socket.on('error', (err) => {
        socket.destroy();
        if (connected || generation !== this.dialGeneration || this.closed) return;
        if (Date.now() < deadline) setTimeout(attempt, QUORUM_REDIAL_MS);
        else this.opts.log.warn({ leader: sid, reason: err.message }, 'Unable to connect to the leader');
      });
    };
    attempt();
  }

  send(link: LinkId, msg: ZabMessage): void {
    const l = this.links.get(link);
    if (l === undefined) return;
    if (l.backlog !== null) return this.holdBack(l, msg);
    if (msg.type === 'SNAP') void this.stream(link, l, msg);
    else writeBounded(l.socket, encodeZabMessage(msg), this.opts.log, l.peer);
  }

  /**
   * Writes a SNAP and its snapshot a piece per event-loop turn (waiting while the learner is behind),
   * so the leader keeps serving while it sends; the core hears of each piece and of the end.
   */
  private async stream(link: LinkId, l: QuorumLink, msg: ZabMessage): Promise<void> {
    l.backlog = [];
    const started = performance.now();
    let bytes = 0;
    for (const piece of zabMessagePieces(msg, SNAPSHOT_PIECE_BYTES)) {
      if (l.closing || !l.socket.writable) return;
      writeBounded(l.socket, piece, this.opts.log, l.peer);
      bytes += piece.length;
      this.opts.submit({ kind: 'quorumSnapshotProgress', link });
      await nextWrite(l.socket);
    }
    const ms = Math.round(performance.now() - started);
    this.opts.log.info({ peer: l.peer, bytes, ms }, `Sent a snapshot of ${bytes} bytes in ${ms} ms`);
    const backlog = l.backlog;
    l.backlog = null;
    this.opts.submit({ kind: 'quorumSnapshotProgress', link });
    for (const held of backlog) this.send(link, held);
  }

  private holdBack(l: QuorumLink, msg: ZabMessage): void {
    l.backlog?.push(msg);
    if ((l.backlog?.length ?? 0) <= MAX_SNAP_BACKLOG_MESSAGES) return;
    this.opts.log.warn({ peer: l.peer }, 'Too many messages behind a snapshot; dropping the link');
    l.socket.destroy();
  }

  /** Closes a link after what is queued on it; its quorumLinkDown follows like any other. */
  closeLink(link: LinkId): void {
    const l = this.links.get(link);
    if (l === undefined) return;
    l.closing = true;
    l.socket.end(() => l.socket.destroy());
  }

  /** Stops listening, dialling and every link. */
  close(): void {
    this.closed = true;
    this.dialGeneration++;
    for (const l of this.links.values()) l.socket.destroy();
    this.server?.close();
  }

  private async open(): Promise<void> {
    if (this.server !== null || this.closed) return;
    const server = createServer({ noDelay: true }, (socket) => {
      const link = this.adopt(socket, `learner ${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`);
      this.accepted.add(link);
    });
    const { host, quorumPort } = this.opts.self;
    await listenOn(server, { host, port: quorumPort, purpose: 'quorum' });
    this.server = server;
  }

  private async shut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const link of this.accepted) this.links.get(link)?.socket.destroy();
    if (server !== null) await closeServer(server);
  }

  private adopt(socket: Socket, peer: string): LinkId {
    const link = this.nextLink++;
    const state: QuorumLink = { socket, peer, closing: false, backlog: null };
    this.links.set(link, state);
    const decoder = new QuorumPacketDecoder();
    socket.on('data', (chunk: Buffer) => {
      if (state.closing) return;
      try {
        for (const msg of decoder.push(chunk)) this.opts.submit({ kind: 'quorumMessage', link, msg });
        if (decoder.receivingSnapshot) this.opts.submit({ kind: 'quorumSnapshotProgress', link });
      } catch (err) {
        this.opts.log.warn({ peer, reason: String(err) }, 'Dropping quorum link after a malformed packet');
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.links.delete(link);
      this.accepted.delete(link);
      this.opts.submit({ kind: 'quorumLinkDown', link });
    });
    this.opts.submit({ kind: 'quorumLinkUp', link });
    return link;
  }
}

/** Resolves on the next turn, or once the socket drains when much is queued on it (or it closes). */
function nextWrite(socket: Socket): Promise<void> {
  if (socket.writableLength <= STREAM_QUEUE_BYTES) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}
