// The scheduler's state in ZooKeeper under `<zk path>/state` (layout in store-layout.ts), on the
// election's session, so a scheduler that lost its session (and with it the leadership) cannot write.
// Each batch (one request's writes, one input's) commits in one multi or not at all.
import { MARATHON_MULTI_BUDGET_BYTES } from '../../common/limits.js';
import type { Logger } from '../../common/logging.js';
import { Err, isZkError, type ZkClient } from '../../ensemble/client/index.js';
import type { Op } from '../../ensemble/client/ops.js';
import { bytesOf, chunks, CommitPack, inParallel, multiWithin, StoreWriteError } from '../../framework/zk-commit.js';
import type { StoreWrite, StoredState } from '../core/messages.js';
import type { AppVersion, AppsById, DeploymentPlan, RootGroup, Timestamp } from '../core/model.js';
import {
  type AppPointer,
  type BatchOps,
  CATEGORY,
  decodeValue,
  StoreLayout,
  type StoredPlan,
  type StoredRoot,
} from './store-layout.js';

interface LoadedApps {
  versions: AppVersion[];
  /** Current version per app id. */
  current: Map<string, Timestamp>;
}

export class StateStore {
  private readonly layout: StoreLayout;

  constructor(
    private readonly options: {
      client: ZkClient;
      /** e.g. `/marathon/state`. */
      path: string;
      log: Logger;
    },
  ) {
    this.layout = new StoreLayout(options.path);
  }

  /** Reads everything (creating the category nodes of a new store). */
  async load(): Promise<StoredState> {
    const { client, log } = this.options;
    for (const category of Object.values(CATEGORY)) await this.ensure(this.layout.node(category));
    const frameworkId = await this.readText(this.layout.node(CATEGORY.frameworkId, 'id'));
    const storedRoot = await this.readValue<StoredRoot>(this.layout.node(CATEGORY.group, 'root'));
    const plans = (await this.readAll<StoredPlan | WholePlan>(CATEGORY.deployment)).map(byReference);
    for (const plan of plans) this.layout.loadedPlan(plan);
    const apps = await this.loadApps(storedRoot?.apps ?? {});
    const byKey = new Map(apps.versions.map((app) => [`${app.id}@${app.version}`, app]));
    const state: StoredState = {
      frameworkId,
      root: storedRoot === null ? null : resolveRoot(storedRoot, apps.current, byKey),
      versions: apps.versions,
      instances: await this.readAll(CATEGORY.instance),
      deployments: plans.map((plan) => resolvePlan(plan, byKey)),
      failures: await this.readAll(CATEGORY.taskFailures),
      delays: await this.readAll(CATEGORY.delays),
    };
    log.info(
      `Recovered state from ${client.connectedTo ?? 'ZooKeeper'}: ${Object.keys(state.root?.apps ?? {}).length} apps, ` +
        `${state.instances.length} instances, ${state.deployments.length} deployments, framework id ${frameworkId ?? 'none'}`,
    );
    return state;
  }

  /**
   * Stores the batches in order. Each batch's new version nodes go first (nothing refers to them yet),
   * then its other writes in one multi, packed with the batches around it while they fit. A batch too
   * big for one multi (never one request: the API refuses those) is split, and says so.
   */
  async apply(batches: readonly (readonly StoreWrite[])[]): Promise<void> {
    const pack = new CommitPack((ops) => this.multi(ops), MARATHON_MULTI_BUDGET_BYTES);
    try {
      for (const batch of batches) await this.applyBatch(batch, pack);
      await pack.flush();
    } catch (err) {
      throw new StoreWriteError(pack.committed, err);
    }
  }

  private async applyBatch(batch: readonly StoreWrite[], pack: CommitPack): Promise<void> {
    const ops: BatchOps = this.layout.opsOf(batch);
    if (ops.prepare.length > 0) {
      await pack.flush();
      for (const chunk of chunks(ops.prepare, MARATHON_MULTI_BUDGET_BYTES)) await this.multi(chunk);
    }
    if (bytesOf(ops.commit) <= MARATHON_MULTI_BUDGET_BYTES) return pack.add(ops.commit);
    this.options.log.warn(`A batch of ${batch.length} writes is too big for one multi; storing it in parts`);
    await pack.flush();
    for (const chunk of chunks(ops.commit, MARATHON_MULTI_BUDGET_BYTES)) await this.multi(chunk);
    pack.countStored();
  }

  private multi(ops: Op[]): Promise<void> {
    return multiWithin(this.options.client, ops, MARATHON_MULTI_BUDGET_BYTES);
  }

  /** Every app node: its current version (from the node, or the root as older releases kept it) and versions. */
  private async loadApps(legacyCurrent: Record<string, Timestamp>): Promise<LoadedApps> {
    const appsPath = this.layout.node(CATEGORY.apps);
    const loaded: LoadedApps = { versions: [], current: new Map() };
    await inParallel(await this.options.client.getChildren(appsPath), async (name) => {
      const appNode = `${appsPath}/${name}`;
      const pointer = await this.readValue<AppPointer>(appNode);
      const names = (await this.options.client.getChildren(appNode)).sort();
      const versions = (await inParallel(names, (v) => this.readValue<AppVersion>(`${appNode}/${v}`))).filter(
        (app): app is AppVersion => app !== null,
      );
      for (const v of names) this.layout.exists(`${appNode}/${v}`);
      const id = pointer?.id ?? versions[0]?.id;
      if (id === undefined) return;
      // An app node without its pointer was written by an older release: the next root write adds it.
      this.layout.loadedApp(id, names, pointer?.version ?? null);
      const current = pointer === null ? (legacyCurrent[id] ?? null) : pointer.version;
      if (current !== null) loaded.current.set(id, current);
      loaded.versions.push(...versions);
    });
    return loaded;
  }

  private async readAll<T>(category: string): Promise<T[]> {
    const base = this.layout.node(category);
    const values = await inParallel(await this.options.client.getChildren(base), (name) =>
      this.readValue<T>(`${base}/${name}`),
    );
    return values.filter((value): value is Awaited<T> => value !== null) as T[];
  }

  private async readValue<T>(path: string): Promise<T | null> {
    const data = await this.readData(path);
    return data === null || data.length === 0 ? null : decodeValue<T>(data);
  }

  private async readText(path: string): Promise<string | null> {
    const data = await this.readData(path);
    return data === null ? null : data.toString('utf8');
  }

  private async readData(path: string): Promise<Buffer | null> {
    try {
      const { data } = await this.options.client.getData(path);
      this.layout.exists(path);
      return data ?? Buffer.alloc(0);
    } catch (err) {
      if (isZkError(err, Err.NoNode)) return null;
      throw err;
    }
  }

  private async ensure(path: string): Promise<void> {
    await this.options.client.mkdirp(path);
    this.layout.exists(path);
  }
}

/** The stored root with each app's current version (apps whose version is missing are dropped). */
function resolveRoot(
  stored: StoredRoot,
  current: ReadonlyMap<string, Timestamp>,
  byKey: Map<string, AppVersion>,
): RootGroup {
  const apps: AppsById = {};
  for (const [id, version] of current) {
    const app = byKey.get(`${id}@${version}`);
    if (app !== undefined) apps[id] = app;
  }
  return { version: stored.version, apps, groups: stored.groups };
}

/** A plan as older releases stored it: both root groups whole. */
interface WholePlan extends Omit<StoredPlan, 'original' | 'target'> {
  original: RootGroup;
  target: RootGroup;
}

/** A stored plan with the affected apps' versions by reference, whichever way it was stored. */
function byReference(plan: StoredPlan | WholePlan): StoredPlan {
  const refs = (apps: Record<string, Timestamp> | RootGroup): Record<string, Timestamp> => {
    if (!isRootGroup(apps)) return apps;
    const affected = new Set(plan.steps.flatMap((s) => s.actions.map((a) => a.app)));
    const picked = Object.values(apps.apps).filter((app) => affected.has(app.id));
    return Object.fromEntries(picked.map((app) => [app.id, app.version]));
  };
  return { ...plan, original: refs(plan.original), target: refs(plan.target) };
}

function isRootGroup(value: unknown): value is RootGroup {
  return typeof value === 'object' && value !== null && 'apps' in value && 'groups' in value;
}

/** A stored plan with its app references resolved (references to versions that are gone are dropped). */
function resolvePlan(plan: StoredPlan, byKey: Map<string, AppVersion>): DeploymentPlan {
  const resolve = (refs: Record<string, Timestamp>): AppsById => {
    const apps: AppsById = {};
    for (const [id, version] of Object.entries(refs)) {
      const app = byKey.get(`${id}@${version}`);
      if (app !== undefined) apps[id] = app;
    }
    return apps;
  };
  return { ...plan, original: resolve(plan.original), target: resolve(plan.target) };
}
