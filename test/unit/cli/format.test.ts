// CLI text output: zkCli's stat layout (checked against a capture from ZooKeeper 3.8) and tables.
import { describe, expect, it } from 'vitest';
import { formatStat, javaDate, table } from '../../../src/cli/format.js';

/** zkCli `stat /` against ZooKeeper 3.8.0 (JVM in UTC), after its connection banner. */
const ZKCLI_STAT_ROOT = `cZxid = 0x0
ctime = Thu Jan 01 00:00:00 UTC 1970
mZxid = 0x0
mtime = Thu Jan 01 00:00:00 UTC 1970
pZxid = 0x51
cversion = 6
dataVersion = 0
aclVersion = 0
ephemeralOwner = 0x0
dataLength = 0
numChildren = 6`;

describe('formatStat', () => {
  it('prints the root Stat exactly like zkCli', () => {
    const root = {
      czxid: 0n,
      mzxid: 0n,
      pzxid: 0x51n,
      ephemeralOwner: 0n,
      ctime: 0,
      mtime: 0,
      version: 0,
      cversion: 6,
      aversion: 0,
      dataLength: 0,
      numChildren: 6,
    };
    expect(formatStat(root)).toBe(ZKCLI_STAT_ROOT);
  });

  it('formats times like java.util.Date in UTC and owners in hex', () => {
    expect(javaDate(Date.UTC(2024, 11, 29, 17, 54, 3))).toBe('Sun Dec 29 17:54:03 UTC 2024');
    const stat = formatStat({ czxid: 0x100000002n, mzxid: 0n, pzxid: 0n, ephemeralOwner: 0x3000a4b2c0000n, ctime: 0, mtime: 0, version: 1, cversion: 0, aversion: 0, dataLength: 5, numChildren: 0 });
    expect(stat).toContain('cZxid = 0x100000002');
    expect(stat).toContain('ephemeralOwner = 0x3000a4b2c0000');
    expect(stat).toContain('dataVersion = 1');
  });
});

describe('table', () => {
  it('pads columns to the widest cell', () => {
    expect(table(['NAME', 'ROLE'], [['zk-1', 'follower'], ['zk-10', '-']])).toBe('NAME   ROLE\nzk-1   follower\nzk-10  -');
  });
});
