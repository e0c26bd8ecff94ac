// The member process contract: config argument round trip and IPC message validation.
import { describe, expect, it } from 'vitest';
import {
  memberArgs,
  parseMemberArgs,
  parseMemberMessage,
  type MemberProcessConfig,
} from '../../../src/cluster/member-config.js';

const entry = {
  sid: 2,
  host: '127.0.0.1',
  clientPort: 4002,
  quorumPort: 5002,
  electionPort: 6002,
  role: 'participant' as const,
};
const config: MemberProcessConfig = {
  ...entry,
  dataDir: 'data/zk-2',
  logFile: 'logs/zk-2.log',
  servers: [entry],
  tickMs: 100,
  initLimit: 10,
  syncLimit: 5,
  minSessionTimeoutMs: 200,
  maxSessionTimeoutMs: 2_000,
  fourLetterWords: '*',
  supervisorPid: 42,
};

describe('member process contract', () => {
  it('passes the config as one --config JSON argument', () => {
    const args = memberArgs(config);
    expect(args).toHaveLength(2);
    expect(parseMemberArgs(['--inspect', ...args])).toEqual(config);
    expect(() => parseMemberArgs([])).toThrow(/--config/);
  });

  it('accepts ready and state messages with a BigInt-readable zxid', () => {
    expect(parseMemberMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    const leading = { type: 'state', state: 'LEADING', phase: 'broadcast', zxid: '0x100000002', leader: 2, epoch: 1 };
    expect(parseMemberMessage(leading)).toEqual(leading);
    expect(parseMemberMessage({ ...leading, state: 'LOOKING', phase: 'election', leader: null })).toEqual({
      ...leading,
      state: 'LOOKING',
      phase: 'election',
      leader: null,
    });
  });

  it('rejects anything else', () => {
    for (const bad of [
      null,
      'ready',
      { type: 'state', state: 'LEADER', phase: 'broadcast', zxid: '1', leader: 1, epoch: 1 },
      { type: 'state', state: 'LOOKING', phase: 'election', zxid: 'zz', leader: null, epoch: 1 },
      { type: 'state', state: 'LOOKING', phase: 'election', zxid: '', leader: null, epoch: 1 },
      { type: 'state', state: 'LEADING', phase: 'leading', zxid: '0x1', leader: 1, epoch: 1 },
      { type: 'state', state: 'LEADING', zxid: '0x1', leader: 1, epoch: 1 },
      { type: 'stop' },
    ]) {
      expect(parseMemberMessage(bad)).toBeNull();
    }
  });

  it('accepts election steps it knows, stamped with a time, and refuses others', () => {
    const step = { step: 'uptodate', to: 1 };
    expect(parseMemberMessage({ type: 'election', at: 5, step })).toEqual({ type: 'election', at: 5, step });
    expect(parseMemberMessage({ type: 'election', at: '5', step })).toBeNull();
    expect(parseMemberMessage({ type: 'election', at: 5, step: { step: 'toString' } })).toBeNull();
    expect(parseMemberMessage({ type: 'election', at: 5, step: null })).toBeNull();
  });
});
