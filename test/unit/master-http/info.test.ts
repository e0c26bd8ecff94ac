// MasterInfo as Mesos writes it, zk:// URLs, group membership names, the registry's size bound.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MAX_REGISTRY_BYTES } from '../../../src/common/limits.js';
import { ipToMesosInt, masterInfo, masterUrl, parseMasterInfo } from '../../../src/master/info.js';
import { isGroupMember, sequenceOf } from '../../../src/master/leadership.js';
import { encodeRegistry } from '../../../src/master/registry.js';
import { parseZkUrl } from '../../../src/master/zk-url.js';

describe('MasterInfo', () => {
  it('stores the IPv4 address as Mesos does (network order read little-endian)', () => {
    expect(ipToMesosInt('127.0.0.1')).toBe(16777343);
    expect(ipToMesosInt('10.0.0.2')).toBe(33554442);
    expect(() => ipToMesosInt('::1')).toThrow();
  });

  it('has the fields of the reference, in order, and reads back', () => {
    const info = masterInfo({ id: 'm', ip: '127.0.0.1', port: 5050, hostname: 'localhost' });
    expect(info).toEqual({
      id: 'm',
      ip: 16777343,
      port: 5050,
      pid: 'master@127.0.0.1:5050',
      hostname: 'localhost',
      version: '1.11.0',
      address: { hostname: 'localhost', ip: '127.0.0.1', port: 5050 },
      capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }, { type: 'QUOTA_V2' }],
    });
    expect(parseMasterInfo(Buffer.from(JSON.stringify(info)))).toEqual(info);
    expect(parseMasterInfo(Buffer.from('master@127.0.0.1:5050'))).toBeNull();
    expect(masterUrl(info)).toBe('http://127.0.0.1:5050');
  });
});

describe('zk:// URLs and group members', () => {
  it('splits servers, group path and credentials', () => {
    expect(parseZkUrl('zk://127.0.0.1:2181,127.0.0.1:2182/mesos')).toEqual({
      servers: '127.0.0.1:2181,127.0.0.1:2182',
      path: '/mesos',
      digest: null,
    });
    expect(parseZkUrl('zk://u:p@h:1/a/b/')).toEqual({ servers: 'h:1', path: '/a/b', digest: 'u:p' });
    expect(() => parseZkUrl('zk://h:1')).toThrow(/names no path/);
    expect(() => parseZkUrl('http://h:1/mesos')).toThrow(/zk:\/\//);
  });

  it('counts labelled and bare sequence nodes as members, not registry or log_replicas', () => {
    expect(
      ['json.info_0000000012', 'info_0000000003', '0000000001', 'registry', 'log_replicas'].filter(isGroupMember),
    ).toEqual(['json.info_0000000012', 'info_0000000003', '0000000001']);
    expect(sequenceOf('json.info_0000000012')).toBe(12);
  });
});

describe('the registry znode', () => {
  it('forgets the oldest unreachable agents when it would outgrow its bound', () => {
    const unreachable = Array.from({ length: 30_000 }, (_, i) => ({
      id: { value: `agent-${i}` },
      timestamp: { nanoseconds: i },
    }));
    const bytes = encodeRegistry({ admitted: [], unreachable }, pino({ level: 'silent' }));
    expect(bytes.length).toBeLessThanOrEqual(MAX_REGISTRY_BYTES);
    const kept = (JSON.parse(bytes.toString('utf8')) as { unreachable: { id: { value: string } }[] }).unreachable;
    expect(kept[0]?.id.value).toBe('agent-29999');
    expect(kept.length).toBeLessThan(30_000);
  });
});
