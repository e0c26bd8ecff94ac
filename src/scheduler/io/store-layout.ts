// How the scheduler's records lie in ZooKeeper under `<zk path>/state`, and the ops that store one batch
// of writes. One node per app holds its current version; its children are the kept versions; a
// deployment names app versions instead of copying them; big values are gzipped. No write grows with
// the number of apps, only with what one request changes.
import { gunzipSync, gzipSync } from 'node:zlib';
import { MARATHON_MAX_VERSIONS, MARATHON_ZK_COMPRESSION_THRESHOLD_BYTES } from '../../common/limits.js';
import type { Op } from '../../ensemble/client/ops.js';
import type { StoreWrite } from '../core/messages.js';
import { safeId } from '../../common/marathon-ids.js';
import type { DeploymentPlan, GroupMeta, RootGroup, Timestamp } from '../core/model.js';

/** Categories (child nodes of the state path), named as Marathon names them. */
export const CATEGORY = {
  frameworkId: 'framework-id',
  group: 'group',
  apps: 'apps',
  instance: 'instance',
  deployment: 'deployment',
  taskFailures: 'taskFailures',
  delays: 'launch-delays',
} as const;

/** The root group node: its version and the explicitly created groups (apps are found under `apps`). */
export interface StoredRoot {
  version: Timestamp;
  groups: Record<string, GroupMeta>;
  /** App id → version: how releases before one-node-per-app kept the root's apps. */
  apps?: Record<string, Timestamp>;
}

/** An app's node: its id and the version the root group holds (null once the app is removed). */
export interface AppPointer {
  id: string;
  version: Timestamp | null;
}

/** A deployment as stored: the affected apps' versions by reference. */
export interface StoredPlan extends Omit<DeploymentPlan, 'original' | 'target'> {
  original: Record<string, Timestamp>;
  target: Record<string, Timestamp>;
}

/** The ops of one batch: new version nodes first (unreferenced until `commit`), then `commit` in one multi. */
export interface BatchOps {
  prepare: Op[];
  commit: Op[];
}

/** JSON, gzipped above Marathon's `--zk_compression_threshold`. */
export function encodeValue(value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value));
  return json.length > MARATHON_ZK_COMPRESSION_THRESHOLD_BYTES ? gzipSync(json) : json;
}

export function decodeValue<T>(data: Buffer): T {
  const gzipped = data.length > 2 && data[0] === 0x1f && data[1] === 0x8b;
  return JSON.parse((gzipped ? gunzipSync(data) : data).toString('utf8')) as T;
}

export function storedPlan(plan: DeploymentPlan): StoredPlan {
  const refs = (apps: DeploymentPlan['target']): Record<string, Timestamp> =>
    Object.fromEntries(Object.entries(apps).map(([id, app]) => [id, app.version]));
  return { ...plan, original: refs(plan.original), target: refs(plan.target) };
}

/**
 * What is stored, as far as the ops need to know it (which nodes exist, each app's versions and current
 * version, the versions deployments refer to), and the ops of each batch. Pure: the store feeds it what
 * it read and sends the ops it returns.
 */
export class StoreLayout {
  private readonly existing = new Set<string>();
  /** Kept versions per app id, oldest first. */
  private readonly versions = new Map<string, Timestamp[]>();
  /** The version the root group holds, per app id. */
  private readonly current = new Map<string, Timestamp>();
  /** App versions each stored deployment refers to: they stay while it does. */
  private readonly pins = new Map<string, [string, Timestamp][]>();

  constructor(private readonly path: string) {}

  node(category: string, name?: string): string {
    return name === undefined ? `${this.path}/${category}` : `${this.path}/${category}/${name}`;
  }

  appNode(appId: string): string {
    return this.node(CATEGORY.apps, safeId(appId));
  }

  // ---- what the store read ----

  exists(path: string): void {
    this.existing.add(path);
  }

  loadedApp(appId: string, versions: readonly Timestamp[], current: Timestamp | null): void {
    this.versions.set(appId, [...versions].sort());
    if (current !== null) this.current.set(appId, current);
  }

  loadedPlan(plan: StoredPlan): void {
    this.pins.set(plan.id, pinsOf(plan));
  }

  // ---- the ops of a batch ----

  opsOf(batch: readonly StoreWrite[]): BatchOps {
    const ops: BatchOps = { prepare: [], commit: [] };
    for (const write of batch) this.add(ops, write);
    return ops;
  }

  private add(ops: BatchOps, write: StoreWrite): void {
    switch (write.kind) {
      case 'framework-id':
        return this.commitPut(ops, this.node(CATEGORY.frameworkId, 'id'), Buffer.from(write.frameworkId));
      case 'root':
        return this.root(ops, write.root);
      case 'app-version':
        return this.version(ops, write.app.id, write.app.version, encodeValue(write.app));
      case 'delete-app':
        return this.deleteApp(ops, write.appId);
      case 'instance':
        return this.commitPut(
          ops,
          this.node(CATEGORY.instance, write.instance.instanceId),
          encodeValue(write.instance),
        );
      case 'delete-instance':
        return this.remove(ops, this.node(CATEGORY.instance, write.instanceId));
      case 'deployment':
        return this.deployment(ops, storedPlan(write.plan));
      case 'delete-deployment':
        return this.deleteDeployment(ops, write.id);
      case 'task-failure':
        return this.commitPut(
          ops,
          this.node(CATEGORY.taskFailures, safeId(write.failure.appId)),
          encodeValue(write.failure),
        );
      case 'delay':
        return this.commitPut(ops, this.node(CATEGORY.delays, safeId(write.delay.appId)), encodeValue(write.delay));
      case 'delete-delay':
        return this.remove(ops, this.node(CATEGORY.delays, safeId(write.appId)));
    }
  }

  /** The root node, and the current version of every app whose version changed or that left the root. */
  private root(ops: BatchOps, root: RootGroup): void {
    const stored: StoredRoot = { version: root.version, groups: root.groups };
    this.commitPut(ops, this.node(CATEGORY.group, 'root'), encodeValue(stored));
    for (const app of Object.values(root.apps)) {
      if (this.current.get(app.id) === app.version) continue;
      this.current.set(app.id, app.version);
      this.commitPut(ops, this.appNode(app.id), encodeValue({ id: app.id, version: app.version }));
    }
    for (const id of [...this.current.keys()]) {
      if (root.apps[id] !== undefined) continue;
      this.current.delete(id);
      this.commitPut(ops, this.appNode(id), encodeValue({ id, version: null }));
    }
  }

  /** A new version node, written ahead of the commit that makes it current; the oldest beyond the limit go. */
  private version(ops: BatchOps, appId: string, version: Timestamp, data: Buffer): void {
    const appNode = this.appNode(appId);
    if (!this.existing.has(appNode)) this.put(ops.prepare, appNode, encodeValue({ id: appId, version: null }));
    this.put(ops.prepare, `${appNode}/${version}`, data);
    const kept = this.versions.get(appId) ?? [];
    if (!kept.includes(version)) kept.push(version);
    this.versions.set(appId, kept);
    this.prune(ops, appId);
  }

  /** Versions beyond MARATHON_MAX_VERSIONS, oldest first, except the current one and those deployments refer to. */
  private prune(ops: BatchOps, appId: string): void {
    const kept = this.versions.get(appId) ?? [];
    const removable = kept.filter((v) => v !== this.current.get(appId) && !this.pinned(appId, v));
    for (const version of removable.slice(0, Math.max(0, kept.length - MARATHON_MAX_VERSIONS))) {
      this.dropVersion(ops, appId, version);
    }
  }

  /** Every version no deployment refers to; the app's node too once nothing is left under it. */
  private deleteApp(ops: BatchOps, appId: string): void {
    if (this.current.delete(appId)) this.commitPut(ops, this.appNode(appId), encodeValue({ id: appId, version: null }));
    for (const version of [...(this.versions.get(appId) ?? [])]) {
      if (!this.pinned(appId, version)) this.dropVersion(ops, appId, version);
    }
    this.dropAppIfEmpty(ops, appId);
    for (const category of [CATEGORY.taskFailures, CATEGORY.delays])
      this.remove(ops, this.node(category, safeId(appId)));
  }

  private deployment(ops: BatchOps, plan: StoredPlan): void {
    this.pins.set(plan.id, pinsOf(plan));
    this.commitPut(ops, this.node(CATEGORY.deployment, plan.id), encodeValue(plan));
  }

  /** The plan goes; versions only it kept go with it (of removed apps, or beyond the limit). */
  private deleteDeployment(ops: BatchOps, id: string): void {
    const released = this.pins.get(id) ?? [];
    this.pins.delete(id);
    this.remove(ops, this.node(CATEGORY.deployment, id));
    for (const appId of new Set(released.map(([app]) => app))) {
      if (this.current.has(appId)) {
        this.prune(ops, appId);
        continue;
      }
      for (const version of [...(this.versions.get(appId) ?? [])]) {
        if (!this.pinned(appId, version)) this.dropVersion(ops, appId, version);
      }
      this.dropAppIfEmpty(ops, appId);
    }
  }

  private pinned(appId: string, version: Timestamp): boolean {
    for (const pins of this.pins.values()) if (pins.some(([a, v]) => a === appId && v === version)) return true;
    return false;
  }

  private dropVersion(ops: BatchOps, appId: string, version: Timestamp): void {
    this.versions.set(
      appId,
      (this.versions.get(appId) ?? []).filter((v) => v !== version),
    );
    this.remove(ops, `${this.appNode(appId)}/${version}`);
  }

  private dropAppIfEmpty(ops: BatchOps, appId: string): void {
    if (this.current.has(appId) || (this.versions.get(appId)?.length ?? 0) > 0) return;
    this.versions.delete(appId);
    this.remove(ops, this.appNode(appId));
  }

  private commitPut(ops: BatchOps, path: string, data: Buffer | null): void {
    this.put(ops.commit, path, data);
  }

  private put(into: Op[], path: string, data: Buffer | null): void {
    if (this.existing.has(path)) {
      into.push({ op: 'setData', path, data });
      return;
    }
    this.existing.add(path);
    into.push({ op: 'create', path, data });
  }

  private remove(ops: BatchOps, path: string): void {
    if (!this.existing.delete(path)) return;
    ops.commit.push({ op: 'delete', path });
  }
}

function pinsOf(plan: StoredPlan): [string, Timestamp][] {
  return [...Object.entries(plan.original), ...Object.entries(plan.target)];
}
