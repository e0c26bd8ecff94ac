// A framework's link to the leading master over the v1 scheduler API: detects the leading master (zk:// as
// Marathon's and Chronos's --master, or a master URL), subscribes with the framework id it has, turns events
// into core inputs, and subscribes again when the stream ends or its heartbeats stop.
import { setTimeout as delay } from 'node:timers/promises';
import { MasterDetector } from '../agent/detector.js';
import { SchedulerClient, type CallWithoutFramework, type Subscription } from '../api/mesos.js';
import { errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';
import type { Event, FrameworkInfo } from '../master/core/v1.js';
import { masterUrl } from '../master/info.js';
import type { LinkInput } from './mesos-types.js';

/** Missed heartbeats after which the stream is taken for dead. */
const HEARTBEATS_MISSED = 3;
const RESUBSCRIBE_DELAY_MS = 250;

export interface MesosLinkOptions {
  /** `zk://host:port,…/mesos`, or `http://host:port` of a master. */
  master: string;
  zkSessionTimeoutMs: number;
  /** The FrameworkInfo to subscribe with (carrying the framework id once known). */
  frameworkInfo(): FrameworkInfo;
  onInput(input: LinkInput): void;
  now(): number;
  log: Logger;
}

export class MesosLink {
  private subscription: Subscription | null = null;
  private leading: string | null = null;
  private readonly detector: MasterDetector | null;
  private readonly leaderKnown = new Set<() => void>();
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: MesosLinkOptions) {
    const zk = options.master.startsWith('zk://');
    this.leading = zk ? null : options.master;
    this.detector = zk
      ? new MasterDetector({
          zk: options.master,
          sessionTimeoutMs: options.zkSessionTimeoutMs,
          logger: options.log,
          onLeader: (info) => this.setLeader(info === null ? null : masterUrl(info)),
        })
      : null;
  }

  /** `http://host:port` of the master this scheduler is subscribed with. */
  get master(): string | null {
    return this.subscription?.master ?? null;
  }

  start(): void {
    this.detector?.start();
    this.running = this.loop();
  }

  /** Sends a call on the current subscription; dropped (with a log line) while there is none. */
  async call(call: CallWithoutFramework): Promise<void> {
    const subscription = this.subscription;
    if (subscription === null) {
      this.options.log.debug(`Not subscribed; dropping ${call.type}`);
      return;
    }
    try {
      await subscription.call(call);
    } catch (err) {
      this.options.log.warn(`${call.type} failed: ${errorMessage(err)}`);
    }
  }

  /** Closes the stream without teardown: the framework's tasks keep running for the failover timeout. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.close();
    for (const wake of this.leaderKnown) wake();
    await this.detector?.stop();
    await this.running;
  }

  private setLeader(url: string | null): void {
    if (url !== this.leading)
      this.options.log.info(url === null ? 'No leading master is known' : `New master detected at ${url}`);
    this.leading = url;
    if (url !== null) for (const wake of this.leaderKnown) wake();
    if (url !== null && this.subscription !== null && this.subscription.master !== url) this.subscription.close();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const master = await this.leader();
      if (master === null) return;
      try {
        await this.follow(await this.subscribe(master));
      } catch (err) {
        this.options.log.warn(`Failed to subscribe with the master at ${master}: ${errorMessage(err)}`);
      }
      await delay(RESUBSCRIBE_DELAY_MS);
    }
  }

  private leader(): Promise<string | null> {
    if (this.leading !== null || this.stopped) return Promise.resolve(this.stopped ? null : this.leading);
    return new Promise((resolve) => {
      const wake = (): void => {
        this.leaderKnown.delete(wake);
        resolve(this.stopped ? null : this.leading);
      };
      this.leaderKnown.add(wake);
    });
  }

  private async subscribe(master: string): Promise<Subscription> {
    const frameworkInfo = this.options.frameworkInfo();
    const frameworkId = frameworkInfo.id?.value;
    this.options.log.info(
      `Subscribing to the master at ${master}${frameworkId === undefined ? '' : ` as framework ${frameworkId}`}`,
    );
    return new SchedulerClient({ master }).subscribe({
      frameworkInfo,
      ...(frameworkId === undefined ? {} : { frameworkId }),
    });
  }

  /** Feeds the stream's events to the core until it ends. */
  private async follow(subscription: Subscription): Promise<void> {
    const { onInput, now, log } = this.options;
    this.subscription = subscription;
    if (this.stopped) subscription.close();
    onInput({ type: 'subscribed', frameworkId: subscription.frameworkId, master: subscription.master, now: now() });
    const watchdog = new HeartbeatWatchdog(subscription.heartbeatIntervalSeconds * 1000 * HEARTBEATS_MISSED, () => {
      log.warn('Missed heartbeats from the master; subscribing again');
      subscription.close();
    });
    let reason = 'the event stream ended';
    try {
      for await (const event of subscription.events) {
        watchdog.reset();
        const input = inputOf(event, now());
        if (input !== null) onInput(input);
        if (event.type === 'ERROR') reason = event.error.message;
      }
    } catch (err) {
      reason = errorMessage(err);
    } finally {
      watchdog.stop();
      this.subscription = null;
    }
    if (!this.stopped) onInput({ type: 'disconnected', message: reason, now: now() });
  }
}

function inputOf(event: Event, now: number): LinkInput | null {
  switch (event.type) {
    case 'OFFERS':
      return { type: 'offers', offers: event.offers.offers, now };
    case 'RESCIND':
      return { type: 'rescind', offerId: event.rescind.offer_id.value, now };
    case 'UPDATE':
      return { type: 'update', status: event.update.status, now };
    case 'SUBSCRIBED':
    case 'FAILURE':
    case 'ERROR':
    case 'HEARTBEAT':
      return null;
  }
}

class HeartbeatWatchdog {
  private timer: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly onMissed: () => void,
  ) {
    this.timer = setTimeout(onMissed, ms);
  }

  reset(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onMissed, this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
