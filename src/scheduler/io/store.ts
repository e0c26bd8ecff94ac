// The scheduler's state in ZooKeeper under `<zk path>/state` (Marathon 1.4+'s categories, without the
// hash buckets): writes go out as one multi per batch on the election's session, so a scheduler that
// lost its session (and with it the leadership) cannot write any more.
import { MARATHON_MAX_VERSIONS, MAX_FRAME_BYTES } from '../../common/limits.js';
import type { Logger } from '../../common/logging.js';
import { Err, isZkError, type ZkClient } from '../../ensemble/client/index.js';
import type { Op } from '../../ensemble/client/ops.js';
import type { StoreWrite, StoredState } from '../core/messages.js';
import { safeId, type AppVersion, type GroupMeta, type RootGroup } from '../core/model.js';

/** Categories (child nodes of the state path), named as Marathon names them. */
const CATEGORY = {
  frameworkId: 'framework-id',
  group: 'group',
  apps: 'apps',
  instance: 'instance',
  deployment: 'deployment',
  taskFailures: 'taskFailures',
  delays: 'launch-delays',
} as const;

/** The root group as stored: apps by reference to their stored version. */
interface StoredRoot {
  version: string;
  apps: Record<string, string>;
  groups: Record<string, GroupMeta>;
}

/** Multi requests are cut below the frame limit, leaving room for paths and headers. */
const MULTI_BUDGET_BYTES = Math.floor(MAX_FRAME_BYTES * 0.8);

export class StateStore {
  /** Nodes known to exist, so a write is a create or a setData without asking first. */
  private readonly existing = new Set<string>();
  /** Stored versions per app id, oldest first. */
  private readonly versions = new Map<string, string[]>();

  constructor(
    private readonly options: {
      client: ZkClient;
      /** e.g. `/marathon/state`. */
      path: string;
      log: Logger;
    },
  ) {}

  /** Reads everything (creating the category nodes of a new store). */
  async load(): Promise<StoredState> {
    const { client, path } = this.options;
    for (const category of Object.values(CATEGORY)) await this.ensure(`${path}/${category}`);
    const frameworkId = await this.readText(`${path}/${CATEGORY.frameworkId}/id`);
    const storedRoot = await this.readJson<StoredRoot>(`${path}/${CATEGORY.group}/root`);
    const versions = await this.loadVersions();
    const state: StoredState = {
      frameworkId,
      root: storedRoot === null ? null : resolveRoot(storedRoot, versions),
      versions,
      instances: await this.readAll(CATEGORY.instance),
      deployments: await this.readAll(CATEGORY.deployment),
      failures: await this.readAll(CATEGORY.taskFailures),
      delays: await this.readAll(CATEGORY.delays),
    };
    this.options.log.info(
      `Recovered state from ${client.connectedTo ?? 'ZooKeeper'}: ${Object.keys(state.root?.apps ?? {}).length} apps, ` +
        `${state.instances.length} instances, ${state.deployments.length} deployments, framework id ${frameworkId ?? 'none'}`,
    );
    return state;
  }

  /** Writes a batch in order, as few multis as fit under the frame limit. */
  async apply(writes: readonly StoreWrite[]): Promise<void> {
    let batch: Op[] = [];
    let bytes = 0;
    for (const write of writes) {
      for (const op of this.opsOf(write)) {
        const size = op.path.length + ('data' in op ? (op.data?.length ?? 0) : 0) + 64;
        if (batch.length > 0 && bytes + size > MULTI_BUDGET_BYTES) {
          await this.commit(batch);
          batch = [];
          bytes = 0;
        }
        batch.push(op);
        bytes += size;
      }
    }
    if (batch.length > 0) await this.commit(batch);
  }

  private async commit(ops: Op[]): Promise<void> {
    await this.options.client.multi(ops);
    for (const op of ops) {
      if (op.op === 'create') this.existing.add(op.path);
      if (op.op === 'delete') this.existing.delete(op.path);
    }
  }

  private opsOf(write: StoreWrite): Op[] {
    const node = (category: string, name: string): string => `${this.options.path}/${category}/${name}`;
    switch (write.kind) {
      case 'framework-id':
        return [this.put(node(CATEGORY.frameworkId, 'id'), Buffer.from(write.frameworkId))];
      case 'root':
        return [this.put(node(CATEGORY.group, 'root'), json(storedRoot(write.root)))];
      case 'app-version':
        return this.putVersion(write.app);
      case 'delete-app':
        return this.deleteApp(write.appId);
      case 'instance':
        return [this.put(node(CATEGORY.instance, write.instance.instanceId), json(write.instance))];
      case 'delete-instance':
        return this.remove(node(CATEGORY.instance, write.instanceId));
      case 'deployment':
        return [this.put(node(CATEGORY.deployment, write.plan.id), json(write.plan))];
      case 'delete-deployment':
        return this.remove(node(CATEGORY.deployment, write.id));
      case 'task-failure':
        return [this.put(node(CATEGORY.taskFailures, safeId(write.failure.appId)), json(write.failure))];
      case 'delay':
        return [this.put(node(CATEGORY.delays, safeId(write.delay.appId)), json(write.delay))];
      case 'delete-delay':
        return this.remove(node(CATEGORY.delays, safeId(write.appId)));
    }
  }

  /** A new version node under the app's node; the oldest go beyond MARATHON_MAX_VERSIONS. */
  private putVersion(app: AppVersion): Op[] {
    const appNode = `${this.options.path}/${CATEGORY.apps}/${safeId(app.id)}`;
    const ops: Op[] = this.existing.has(appNode) ? [] : [this.put(appNode, null)];
    const kept = this.versions.get(app.id) ?? [];
    if (!kept.includes(app.version)) kept.push(app.version);
    this.versions.set(app.id, kept);
    ops.push(this.put(`${appNode}/${app.version}`, json(app)));
    while (kept.length > MARATHON_MAX_VERSIONS) ops.push(...this.remove(`${appNode}/${kept.shift() ?? ''}`));
    return ops;
  }

  /** Every stored version of the app, its last task failure and its launch delay. */
  private deleteApp(appId: string): Op[] {
    const { path } = this.options;
    const appNode = `${path}/${CATEGORY.apps}/${safeId(appId)}`;
    const ops = (this.versions.get(appId) ?? []).flatMap((v) => this.remove(`${appNode}/${v}`));
    this.versions.delete(appId);
    const related = [CATEGORY.taskFailures, CATEGORY.delays].flatMap((c) =>
      this.remove(`${path}/${c}/${safeId(appId)}`),
    );
    return [...ops, ...this.remove(appNode), ...related];
  }

  private put(path: string, data: Buffer | null): Op {
    if (this.existing.has(path)) return { op: 'setData', path, data };
    this.existing.add(path);
    return { op: 'create', path, data };
  }

  private remove(path: string): Op[] {
    if (!this.existing.has(path)) return [];
    this.existing.delete(path);
    return [{ op: 'delete', path }];
  }

  private async loadVersions(): Promise<AppVersion[]> {
    const { client, path } = this.options;
    const appsPath = `${path}/${CATEGORY.apps}`;
    const out: AppVersion[] = [];
    for (const name of await client.getChildren(appsPath)) {
      this.existing.add(`${appsPath}/${name}`);
      const children = (await client.getChildren(`${appsPath}/${name}`)).sort();
      for (const version of children) {
        const app = await this.readJson<AppVersion>(`${appsPath}/${name}/${version}`);
        if (app === null) continue;
        out.push(app);
        this.versions.set(app.id, [...(this.versions.get(app.id) ?? []), version]);
      }
    }
    return out;
  }

  private async readAll<T>(category: string): Promise<T[]> {
    const base = `${this.options.path}/${category}`;
    const out: T[] = [];
    for (const name of await this.options.client.getChildren(base)) {
      const value = await this.readJson<T>(`${base}/${name}`);
      if (value !== null) out.push(value);
    }
    return out;
  }

  private async readJson<T>(path: string): Promise<T | null> {
    const text = await this.readText(path);
    return text === null ? null : (JSON.parse(text) as T);
  }

  private async readText(path: string): Promise<string | null> {
    try {
      const { data } = await this.options.client.getData(path);
      this.existing.add(path);
      return data === null ? '' : data.toString('utf8');
    } catch (err) {
      if (isZkError(err, Err.NoNode)) return null;
      throw err;
    }
  }

  private async ensure(path: string): Promise<void> {
    await this.options.client.mkdirp(path);
    this.existing.add(path);
  }
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function storedRoot(root: RootGroup): StoredRoot {
  return {
    version: root.version,
    apps: Object.fromEntries(Object.entries(root.apps).map(([id, app]) => [id, app.version])),
    groups: root.groups,
  };
}

/** The stored root with each app reference replaced by that stored version (missing ones dropped). */
function resolveRoot(stored: StoredRoot, versions: readonly AppVersion[]): RootGroup {
  const byKey = new Map(versions.map((app) => [`${app.id}@${app.version}`, app]));
  const apps: Record<string, AppVersion> = {};
  for (const [id, version] of Object.entries(stored.apps)) {
    const app = byKey.get(`${id}@${version}`);
    if (app !== undefined) apps[id] = app;
  }
  return { version: stored.version, apps, groups: stored.groups };
}
