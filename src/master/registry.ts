// The registry (admitted and unreachable agents, the maintenance schedule) in one versioned znode, `<group>/registry`, as JSON.
// A new leading master reads it; every write names the version last read or written, so a write that
// meets another version means another master has taken over.
import { MAX_REGISTRY_BYTES } from '../common/limits.js';
import type { Logger } from '../common/logging.js';
import { Err, isZkError, type ZkClient } from '../ensemble/client/index.js';
import { EMPTY_REGISTRY, type Registry } from './core/protocol.js';

/** Child of the group path; not a group member, so elections and Mesos detectors skip it. */
export const REGISTRY_NODE = 'registry';

export class RegistryConflictError extends Error {
  override readonly name = 'RegistryConflictError';
}

export interface RegistryStoreOptions {
  client: ZkClient;
  /** The group path, e.g. `/mesos`. */
  groupPath: string;
  log: Logger;
}

export class RegistryStore {
  private version = -1;
  private readonly path: string;

  constructor(private readonly options: RegistryStoreOptions) {
    this.path = `${options.groupPath}/${REGISTRY_NODE}`;
  }

  /** Reads the registry (creating an empty one on a new cluster) and remembers its version. */
  async load(): Promise<Registry> {
    const { client, log } = this.options;
    for (;;) {
      try {
        const { data, stat } = await client.getData(this.path);
        this.version = stat.version;
        log.info(`Successfully fetched the registry (${data?.length ?? 0}B)`);
        return decodeRegistry(data, log);
      } catch (err) {
        if (!isZkError(err, Err.NoNode)) throw err;
      }
      await client.create(this.path, encodeRegistry(EMPTY_REGISTRY, log)).catch((err: unknown) => {
        if (!isZkError(err, Err.NodeExists)) throw err;
      });
    }
  }

  /** Writes the registry over the version this master knows; RegistryConflictError if it changed. */
  async store(registry: Registry): Promise<void> {
    const started = Date.now();
    try {
      this.version = (
        await this.options.client.setData(this.path, encodeRegistry(registry, this.options.log), this.version)
      ).version;
    } catch (err) {
      if (isZkError(err, Err.BadVersion))
        throw new RegistryConflictError(
          `the registry was changed by another master (expected version ${this.version})`,
        );
      throw err;
    }
    this.options.log.info(`Successfully updated the registry in ${Date.now() - started}ms`);
  }
}

/** JSON within MAX_REGISTRY_BYTES: unreachable agents beyond the limit are forgotten, oldest first. */
export function encodeRegistry(registry: Registry, log: Logger): Buffer {
  const full = Buffer.from(JSON.stringify(registry));
  if (full.length <= MAX_REGISTRY_BYTES) return full;
  const base = Buffer.byteLength(JSON.stringify({ ...registry, unreachable: [] }));
  if (base > MAX_REGISTRY_BYTES)
    throw new Error(`the registry's admitted agents need ${base} bytes, more than ${MAX_REGISTRY_BYTES}`);
  const newestFirst = [...registry.unreachable].sort((a, b) => b.timestamp.nanoseconds - a.timestamp.nanoseconds);
  let bytes = base;
  const kept = newestFirst.filter((u) => {
    bytes += Buffer.byteLength(JSON.stringify(u)) + 1;
    return bytes <= MAX_REGISTRY_BYTES;
  });
  log.warn(
    `Forgetting ${registry.unreachable.length - kept.length} unreachable agents: the registry is limited to ${MAX_REGISTRY_BYTES} bytes`,
  );
  return Buffer.from(JSON.stringify({ ...registry, unreachable: kept }));
}

function decodeRegistry(data: Buffer | null, log: Logger): Registry {
  try {
    const value = JSON.parse(data?.toString('utf8') ?? '') as Partial<Registry> | null;
    if (Array.isArray(value?.admitted) && Array.isArray(value.unreachable)) {
      const { admitted, unreachable, schedule } = value;
      return { admitted, unreachable, ...(Array.isArray(schedule) ? { schedule } : {}) };
    }
  } catch {
    // reported below
  }
  log.error('The registry znode does not hold a registry; starting from an empty one');
  return EMPTY_REGISTRY;
}
