// `minicluster up`: start a cluster in the foreground (endpoints, then a live status above the events
// until Ctrl-C) or, with --detach, in the background, returning once it is ready (progress on stderr; Ctrl-C
// before then stops what it started).
import { Flags } from '@oclif/core';
import { ClusterCommand } from '../base.js';
import { formatEvent, formatStatus } from '../format.js';
import { followCluster } from '../live-feed.js';
import { ProgressLine, liveScreen } from '../terminal.js';
import { superviseHere, upDetached } from '../../cluster/lifecycle.js';
import { PROFILES, clusterSpec } from '../../cluster/spec.js';
import type { ClusterStatus } from '../../cluster/status.js';
import type { Supervisor } from '../../cluster/supervisor.js';

export default class Up extends ClusterCommand {
  static override description =
    'start a cluster: a three-member coordination ensemble, Mesos masters and agents, a Marathon-style scheduler and a Chronos-style job scheduler on loopback ports';

  static override examples = [
    '<%= config.bin %> up',
    '<%= config.bin %> up -d --json',
    '<%= config.bin %> up --profile realistic --observers 1',
    '<%= config.bin %> up --masters 1 --agents 3',
    '<%= config.bin %> up --schedulers 2',
    '<%= config.bin %> up --chronos 2',
    '<%= config.bin %> up --zk zk://127.0.0.1:2181/mesos',
  ];

  static override flags = {
    profile: Flags.string({ description: 'timing profile', options: [...PROFILES], default: 'demo' }),
    observers: Flags.integer({ description: 'non-voting ensemble members to add', default: 0, min: 0 }),
    masters: Flags.integer({ description: 'Mesos masters (one leads, the others stand by)', default: 3, min: 0 }),
    agents: Flags.integer({ description: 'Mesos agents (each with its own slice of host ports)', default: 2, min: 0 }),
    schedulers: Flags.integer({
      description: 'Marathon-style schedulers, one leading, the others standing by (default 1; 0 without masters)',
      min: 0,
    }),
    chronos: Flags.integer({
      description: 'Chronos job schedulers, one leading, the others standing by (default 1; 0 without masters)',
      min: 0,
    }),
    lb: Flags.boolean({
      description: "run the TCP load balancer on the apps' service ports",
      default: true,
      allowNo: true,
    }),
    zk: Flags.string({ description: 'use this ZooKeeper (zk://host:port,…/mesos) instead of starting the ensemble' }),
    detach: Flags.boolean({ char: 'd', description: 'run in the background; return once the cluster is ready' }),
    json: Flags.boolean({ description: 'print the cluster as one JSON object (and events as JSON lines)' }),
    supervise: Flags.boolean({ hidden: true, description: 'be the background supervisor of up --detach' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Up);
    const spec = clusterSpec({
      profile: flags.profile,
      observers: flags.observers,
      masters: flags.masters,
      agents: flags.agents,
      ...(flags.schedulers === undefined ? {} : { schedulers: flags.schedulers }),
      ...(flags.chronos === undefined ? {} : { chronos: flags.chronos }),
      loadBalancer: flags.lb,
      ...(flags.zk === undefined ? {} : { zk: flags.zk }),
    });
    const options = { paths: this.paths(flags.name), spec };
    if (flags.supervise) {
      await superviseHere({ ...options, terminal: false, onReady: () => undefined });
      return;
    }
    if (flags.detach) {
      const title = `starting cluster ${options.paths.name}`;
      const interrupt = new AbortController();
      process.once('SIGINT', () => interrupt.abort());
      const status = await ProgressLine.around({ out: process.stderr, title }, (progress) =>
        upDetached({ ...options, onWaiting: (what) => progress.waitingFor(what), signal: interrupt.signal }),
      );
      this.print(status, flags.json);
      return;
    }
    await superviseHere({
      ...options,
      terminal: true,
      onReady: (status, supervisor) => this.follow(status, supervisor, flags.json),
    });
  }

  private follow(status: ClusterStatus, supervisor: Supervisor, json: boolean): void {
    this.print(status, json);
    if (json) {
      supervisor.timeline.subscribe((event) => this.log(JSON.stringify(event)));
      return;
    }
    const screen = liveScreen(process.stdout, 'events (Ctrl-C stops the cluster)');
    const stop = followCluster({
      source: supervisor,
      onEvent: (event) => screen.event(formatEvent(event)),
      onSnapshot: (snapshot) => screen.show(snapshot),
    });
    void supervisor.closed.then(() => {
      stop();
      screen.close();
    });
  }

  private print(status: ClusterStatus, json: boolean): void {
    this.log(json ? JSON.stringify(status, null, 2) : formatStatus(status));
  }
}
