// Four-letter word texts against the ZooKeeper 3.8 captures (zk-golden/*/4lw): line structure,
// keys and formats, with volatile numbers compared by shape only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MemberInfo } from '../../../src/ensemble/core/server/fourletter.js';
import type { ServerOutput } from '../../../src/ensemble/core/server/server.js';
import { ZK_GOLDEN } from '../../helpers/repo.js';
import { OPEN, SingleMember } from './server-harness.js';

const golden = (file: string): string => readFileSync(path.join(ZK_GOLDEN, file), 'utf8');

const CONFIG = [
  'clientPort=22282',
  'membership: ',
  'server.1=127.0.0.1:22881:23881:participant;127.0.0.1:22281',
  'version=0',
].join('\n');

function info(mode: MemberInfo['mode'], over: Partial<MemberInfo> = {}): MemberInfo {
  return {
    mode,
    peerState: mode === 'leader' ? 'leading - broadcast' : 'following - broadcast',
    zxid: 0x100000000n,
    version: '3.8.0-minicluster, built on 2024-12-29 17:54 UTC',
    serverId: 2,
    clientPort: 22282,
    config: CONFIG,
    syncedFollowers: 2,
    learners: 2,
    quorumSize: 3,
    dataDir: '/data',
    env: { 'zookeeper.version': '3.8.0-minicluster', 'host.name': 'localhost' },
    ...over,
  };
}

function text(out: ServerOutput[]): string {
  const reply = out.find((o) => o.kind === 'fourLetterReply');
  if (reply?.kind !== 'fourLetterReply') throw new Error('no four-letter reply');
  expect(out.at(-1)?.kind).toBe('closeClient');
  return reply.text;
}

/** A line with its numbers masked: "Received: 5" → "Received: N". */
const shape = (line: string): string =>
  line
    .replace(/Zookeeper version: .*/, 'Zookeeper version: V')
    .replace(/0x[0-9a-f]+/g, 'HEX')
    .replace(/-?\d+(\.\d+)?/g, 'N');

const shapes = (t: string): string[] => t.split('\n').map(shape);

function ask(m: SingleMember, word: string, i: MemberInfo = info('leader')): string {
  return text(m.fourLetter(m.open(), word, i));
}

describe('srvr and stat', () => {
  it('srvr on a leader has the captured lines, Proposal sizes last', () => {
    const m = new SingleMember();
    const t = ask(m, 'srvr');
    expect(shapes(t)).toEqual(shapes(golden('ensemble/4lw/leader2/srvr.txt')));
    expect(t).toContain('Zxid: 0x100000000\nMode: leader\nNode count: 5\n');
    expect(t.startsWith('Zookeeper version: 3.8.0-minicluster')).toBe(true);
  });

  it('srvr on a follower has no Proposal sizes line', () => {
    const m = new SingleMember();
    expect(shapes(ask(m, 'srvr', info('follower', { zxid: 0n })))).toEqual(
      shapes(golden('ensemble/4lw/follower1/srvr.txt')),
    );
  });

  it('stat lists the clients, the asking connection included, then the srvr lines', () => {
    const m = new SingleMember();
    expect(shapes(ask(m, 'stat'))).toEqual(shapes(golden('ensemble/4lw/leader2/stat.txt')));
  });

  it('stat with a session shows its connection as [1] and counts latency', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    m.request(conn, 1, { op: 'create', path: '/qtest', data: null, acl: OPEN, flags: 0 });
    m.request(conn, 2, { op: 'getChildren', path: '/', watch: false });
    const t = ask(m, 'stat');
    expect(shapes(t)).toEqual(shapes(golden('ensemble/4lw/leader2/stat-with-session.txt')));
    expect(t).toMatch(/^ \/127\.0\.0\.1:\d+\[1\]\(queued=0,recved=3,sent=3\)$/m);
    expect(t).toContain('Connections: 2\n');
  });

  it('averages latency as a double with up to 4 decimals', () => {
    const m = new SingleMember({ autoCommit: false });
    const { conn } = { conn: m.open() };
    m.connect(conn);
    m.now += 5;
    m.commitNext();
    m.request(conn, 1, { op: 'create', path: '/a', data: null, acl: OPEN, flags: 0 });
    m.now += 2;
    m.commitNext();
    m.request(conn, 2, { op: 'ping' });
    m.request(conn, 3, { op: 'ping' });
    expect(ask(m, 'srvr')).toContain('Latency min/avg/max: 0/0.6667/2\n');
  });
});

describe('cons, crst, srst', () => {
  it('cons shows the session details in the captured order', () => {
    const m = new SingleMember();
    const { conn, response } = m.session();
    m.request(conn, 1, { op: 'create', path: '/qtest', data: null, acl: OPEN, flags: 0 });
    m.request(conn, 2, { op: 'getChildren', path: '/', watch: false });
    const t = ask(m, 'cons');
    expect(shapes(t)).toEqual(shapes(golden('ensemble/4lw/leader2/cons-with-session.txt')));
    expect(t).toContain(`,sid=0x${response.sessionId.toString(16)},lop=GETC,`);
    expect(t).toContain(',to=30000,lcxid=0x2,lzxid=0x2,');
  });

  it('crst resets connection stats and srst server stats', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    m.request(conn, 1, { op: 'ping' });
    expect(ask(m, 'crst')).toBe(golden('standalone/4lw/crst.txt'));
    expect(ask(m, 'cons')).toMatch(
      /\[1\]\(queued=0,recved=0,sent=0,sid=0x[0-9a-f]+,lop=NA,est=\d+,to=30000,lzxid=0xffffffffffffffff,/,
    );
    expect(ask(m, 'srst')).toBe(golden('standalone/4lw/srst.txt'));
    expect(ask(m, 'srvr')).toContain('Latency min/avg/max: 0/0.0/0\nReceived: 1\nSent: 0\n');
  });
});

describe('watch words', () => {
  it('wchs, wchc and wchp show data watches as captured', () => {
    const m = new SingleMember();
    expect(ask(m, 'wchs')).toBe(golden('ensemble/4lw/leader2/wchs.txt'));
    const { conn, response } = m.session();
    m.request(conn, 1, { op: 'exists', path: '/qtest', watch: true });
    m.request(conn, 2, { op: 'getChildren', path: '/', watch: true });
    const sid = `0x${response.sessionId.toString(16)}`;
    expect(ask(m, 'wchs')).toBe(golden('ensemble/4lw/leader2/wchs-with-session.txt'));
    expect(ask(m, 'wchc')).toBe(golden('ensemble/4lw/leader2/wchc-with-session.txt').replace('0x2000017aa710000', sid));
    expect(ask(m, 'wchp')).toBe(golden('ensemble/4lw/leader2/wchp-with-session.txt').replace('0x2000017aa710000', sid));
  });
});

describe('mntr', () => {
  const keys = (t: string): string[] =>
    t
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t')[0] ?? '');

  it('uses real mntr key names, leader keys only on a leader, tab-separated', () => {
    const m = new SingleMember();
    const leader = ask(m, 'mntr');
    const follower = ask(m, 'mntr', info('follower'));
    const leaderKeys = new Set(keys(golden('ensemble/4lw/leader2/mntr.txt')));
    const followerKeys = new Set(keys(golden('ensemble/4lw/follower1/mntr.txt')));
    expect(keys(leader).filter((k) => !leaderKeys.has(k))).toEqual([]);
    expect(keys(follower).filter((k) => !followerKeys.has(k))).toEqual([]);
    expect(keys(leader).length).toBeGreaterThanOrEqual(35);
    expect(keys(leader)).toContain('zk_learners');
    expect(keys(follower)).not.toContain('zk_learners');
    expect(leader.split('\n').slice(0, 3)).toEqual([
      'zk_version\t3.8.0-minicluster, built on 2024-12-29 17:54 UTC',
      'zk_server_state\tleader',
      'zk_peer_state\tleading - broadcast',
    ]);
    expect(leader).toContain('zk_znode_count\t5\n');
    expect(leader).toContain('zk_synced_followers\t2\n');
    expect(leader).toContain('zk_quorum_size\t3\n');
    expect(leader).toContain('zk_approximate_data_size\t44\n');
    expect(leader).toContain('zk_avg_latency\t0.0\n');
  });

  it('counts ephemerals, sessions and watches', () => {
    const m = new SingleMember();
    const { conn } = m.session();
    m.request(conn, 1, { op: 'create', path: '/e', data: null, acl: OPEN, flags: 1 });
    m.request(conn, 2, { op: 'getData', path: '/e', watch: true });
    m.request(conn, 3, { op: 'getChildren', path: '/', watch: true });
    const t = ask(m, 'mntr');
    expect(t).toContain('zk_ephemerals_count\t1\n');
    expect(t).toContain('zk_global_sessions\t1\n');
    expect(t).toContain('zk_watch_count\t2\n');
    expect(t).toContain('zk_num_alive_connections\t2\n');
  });
});

describe('other words', () => {
  it('ruok, isro, conf, envi and dirs', () => {
    const m = new SingleMember();
    expect(ask(m, 'ruok')).toBe('imok');
    expect(ask(m, 'isro')).toBe(golden('ensemble/4lw/leader2/isro.txt'));
    expect(ask(m, 'conf')).toBe(CONFIG);
    expect(ask(m, 'envi')).toBe('Environment:\nzookeeper.version=3.8.0-minicluster\nhost.name=localhost\n');
    expect(shapes(ask(m, 'dirs', info('leader', { dataDirSize: 67109337 })))).toEqual(
      shapes(golden('standalone/4lw/dirs.txt')),
    );
  });

  it('answers "not currently serving" as the LOOKING capture does, but still ruok and isro', () => {
    const m = new SingleMember();
    const looking = info(null);
    for (const word of ['srvr', 'stat', 'mntr', 'conf']) {
      expect(ask(m, word, looking)).toBe(golden(`ensemble/looking-single-node/${word}.txt`));
    }
    for (const word of ['cons', 'wchs', 'wchc', 'wchp', 'dirs', 'crst', 'srst']) {
      expect(ask(m, word, looking)).toBe(golden('ensemble/looking-single-node/srvr.txt'));
    }
    expect(ask(m, 'ruok', looking)).toBe(golden('ensemble/looking-single-node/ruok.txt'));
    expect(ask(m, 'isro', looking)).toBe(golden('ensemble/looking-single-node/isro.txt'));
    m.server.setServing(false, m.now);
    expect(ask(m, 'srvr')).toBe(golden('ensemble/looking-single-node/srvr.txt'));
  });

  it('closes without text for a word it does not implement', () => {
    const m = new SingleMember();
    const conn = m.open();
    expect(m.fourLetter(conn, 'gtmk', info('leader'))).toEqual([{ kind: 'closeClient', conn }]);
  });
});
