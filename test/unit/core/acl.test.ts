// Auth schemes and ACL checks: digest ids, ip masks, super, fixupACL and getACL redaction.
import { describe, expect, it } from 'vitest';
import {
  authenticate,
  checkACL,
  clientInfo,
  digestId,
  fixupACL,
  ipMatches,
  redactDigests,
} from '../../../src/ensemble/core/acl.js';
import { Err, Perms, type ACL, type RequestACL } from '../../../src/ensemble/wire/records.js';

const world: ACL = { perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } };
const ip = { scheme: 'ip', id: '127.0.0.1' };

describe('digest', () => {
  it('hashes user:pass as ZooKeeper does', () => {
    expect(digestId('user:pass')).toBe('user:smGaoVKd/cQkjm7b88GyorAUz20=');
  });

  it('authenticates digest and ip, and fails other schemes', () => {
    const ctx = { ip: '127.0.0.1' };
    expect(authenticate('digest', Buffer.from('user:pass'), ctx)).toEqual([
      { scheme: 'digest', id: 'user:smGaoVKd/cQkjm7b88GyorAUz20=' },
    ]);
    expect(authenticate('ip', Buffer.alloc(0), ctx)).toEqual([ip]);
    expect(authenticate('foo', Buffer.from('x'), ctx)).toBeNull();
    expect(authenticate('super', Buffer.from('x'), ctx)).toBeNull();
    expect(authenticate(null, Buffer.from('user:pass'), ctx)).toBeNull();
    expect(authenticate('digest', null, ctx)).toBeNull();
    expect(authenticate('ip', null, ctx)).toEqual([ip]);
  });

  it('adds the super id when the digest matches the configured super digest', () => {
    const ids = authenticate('digest', Buffer.from('admin:secret'), {
      ip: '127.0.0.1',
      superDigest: digestId('admin:secret'),
    });
    expect(ids?.map((i) => i.scheme)).toEqual(['super', 'digest']);
  });
});

describe('checkACL', () => {
  const digest = { scheme: 'digest', id: digestId('user:pass') };
  it('grants by world, matching digest, ip mask or super; any bit of the asked perm suffices', () => {
    expect(checkACL([world], Perms.WRITE, [])).toBe(true);
    expect(checkACL([], Perms.ADMIN, [])).toBe(true);
    const acl: ACL[] = [{ perms: Perms.READ, id: digest }];
    expect(checkACL(acl, Perms.READ, [ip])).toBe(false);
    expect(checkACL(acl, Perms.READ, [ip, digest])).toBe(true);
    expect(checkACL(acl, Perms.WRITE, [ip, digest])).toBe(false);
    expect(checkACL(acl, Perms.READ | Perms.ADMIN, [digest])).toBe(true);
    expect(checkACL(acl, Perms.WRITE, [{ scheme: 'super', id: '' }])).toBe(true);
    expect(checkACL([{ perms: Perms.ALL, id: { scheme: 'ip', id: '127.0.0.0/8' } }], Perms.READ, [ip])).toBe(true);
  });

  it('matches ip masks bit by bit', () => {
    expect(ipMatches('10.1.2.3', '10.1.0.0/16')).toBe(true);
    expect(ipMatches('10.1.2.3', '10.1.2.3')).toBe(true);
    expect(ipMatches('10.1.2.3', '10.1.2.0/25')).toBe(true);
    expect(ipMatches('10.1.2.200', '10.1.2.0/25')).toBe(false);
    expect(ipMatches('10.1.2.3', '0.0.0.0/0')).toBe(true);
    expect(ipMatches('10.1.2.3', '10.1.2.3/33')).toBe(false);
    expect(ipMatches('::1', '10.1.2.3')).toBe(false);
  });
});

describe('fixupACL', () => {
  const digest = { scheme: 'digest', id: digestId('user:pass') };
  it('drops duplicates and expands auth to the authenticated (digest) ids only', () => {
    expect(fixupACL([world, world], [ip])).toEqual([world]);
    expect(fixupACL([{ perms: 5, id: { scheme: 'auth', id: '' } }], [ip, digest])).toEqual([{ perms: 5, id: digest }]);
  });

  it('refuses empty lists, auth without digest ids, malformed ids and unknown schemes', () => {
    expect(fixupACL([], [ip])).toBe(Err.InvalidACL);
    expect(fixupACL([{ perms: 31, id: { scheme: 'auth', id: '' } }], [ip])).toBe(Err.InvalidACL);
    expect(fixupACL([{ perms: 31, id: { scheme: 'digest', id: 'bogus' } }], [])).toBe(Err.InvalidACL);
    expect(fixupACL([{ perms: 31, id: { scheme: 'digest', id: 'user:' } }], [])).toBe(Err.InvalidACL);
    expect(fixupACL([{ perms: 31, id: { scheme: 'ip', id: '300.1.1.1' } }], [])).toBe(Err.InvalidACL);
    expect(fixupACL([{ perms: 31, id: { scheme: 'ip', id: '10.0.0.0/40' } }], [])).toBe(Err.InvalidACL);
    expect(fixupACL([{ perms: 31, id: { scheme: 'x509', id: 'CN=a' } }], [])).toBe(Err.InvalidACL);
    expect(fixupACL([{ perms: 31, id: { scheme: 'ip', id: '10.0.0.0/8' } }], [])).toHaveLength(1);
  });

  // each answer as ZooKeeper 3.8 gave it (the same inputs run against it in the real-ZooKeeper suite)
  it('judges null lists, schemes and ids as ZooKeeper does', () => {
    const acl = (...entries: [string | null, string | null, number?][]): RequestACL[] =>
      entries.map(([scheme, id, perms]) => ({ perms: perms ?? 31, id: { scheme, id } }));
    expect(fixupACL(null, [ip, digest])).toBe(Err.InvalidACL);
    expect(fixupACL(acl([null, 'anyone']), [ip])).toBe(Err.InvalidACL);
    expect(fixupACL(acl(['foo', null]), [ip])).toBe(Err.InvalidACL);
    expect(fixupACL(acl(['auth', null]), [ip])).toBe(Err.InvalidACL);
    expect(fixupACL(acl(['auth', null]), [ip, digest])).toEqual([{ perms: 31, id: digest }]);
    expect(fixupACL(acl(['world', null]), [ip])).toBe(Err.MarshallingError);
    expect(fixupACL(acl(['digest', null]), [ip])).toBe(Err.MarshallingError);
    expect(fixupACL(acl(['ip', null]), [ip])).toBe(Err.MarshallingError);
    // duplicates are compared field by field, and a null compared that way fails
    expect(fixupACL(acl([null, 'a'], [null, 'b']), [ip])).toBe(Err.MarshallingError);
    expect(fixupACL(acl(['world', 'anyone'], [null, 'x']), [ip])).toBe(Err.MarshallingError);
    expect(fixupACL(acl([null, 'x'], ['world', 'anyone']), [ip])).toBe(Err.InvalidACL);
    expect(fixupACL(acl(['world', 'anyone'], ['world', null, 1]), [ip])).toBe(Err.MarshallingError);
    expect(fixupACL(acl(['auth', null], ['auth', null]), [ip, digest])).toBe(Err.MarshallingError);
  });
});

describe('views of ids', () => {
  it('redacts digest hashes as user:x and names users for whoAmI', () => {
    const digest = { scheme: 'digest', id: digestId('user:pass') };
    expect(redactDigests([{ perms: 31, id: digest }, world])).toEqual([
      { perms: 31, id: { scheme: 'digest', id: 'user:x' } },
      world,
    ]);
    expect(clientInfo([ip, digest, { scheme: 'super', id: '' }])).toEqual([
      { authScheme: 'ip', user: '127.0.0.1' },
      { authScheme: 'digest', user: 'user' },
    ]);
  });
});
