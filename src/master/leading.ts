// The leading master's shell for one term: owns its MasterCore, the tick timer and the clock, and
// performs each batch of effects in order — registry first, then agent and framework messages, then
// the call's answer — one batch after the other. A failed registry write ends the term.
import type { Logger } from '../common/logging.js';
import { MasterCore, type MasterView } from './core/master.js';
import type { MasterCoreOptions, MasterInput, MasterOutput, MasterToAgent } from './core/protocol.js';
import type { Event } from './core/v1.js';
import type { RegistryStore } from './registry.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type LeadingInput = DistributiveOmit<MasterInput, 'now'>;
export type CallAnswer = Extract<MasterOutput, { kind: 'callAnswer' }>;

/** Where the effects go: the agent link and the scheduler streams. */
export interface EffectTargets {
  toAgent(connection: string, message: MasterToAgent): void;
  toFramework(streamId: string, event: Event): void;
  closeStream(streamId: string): void;
}

export interface LeadingMasterOptions {
  core: Omit<MasterCoreOptions, 'now'>;
  registry: RegistryStore;
  targets: EffectTargets;
  log: Logger;
  tickMs: number;
  now: () => number;
  /** The registry could not be written: this master must stop leading. */
  onFailure: (err: unknown) => void;
}

export class NotLeadingError extends Error {
  override readonly name = 'NotLeadingError';
}

export class LeadingMaster {
  private readonly core: MasterCore;
  private readonly timer: NodeJS.Timeout;
  private chain: Promise<unknown> = Promise.resolve();
  private ended = false;

  constructor(private readonly options: LeadingMasterOptions) {
    this.core = new MasterCore({ ...options.core, now: options.now() });
    this.timer = setInterval(() => this.tick(), options.tickMs);
    this.tick();
  }

  /** Hands one input to the core; resolves with the call's answer once its effects are performed. */
  submit(input: LeadingInput): Promise<CallAnswer | null> {
    if (this.ended) return Promise.reject(new NotLeadingError('This master is no longer the leading master'));
    const outputs = this.core.handle({ ...input, now: this.options.now() } as MasterInput);
    for (const o of outputs) if (o.kind === 'log') this.options.log[o.level](o.message);
    const done = this.chain.then(() => this.perform(outputs));
    this.chain = done.catch(() => undefined);
    return done;
  }

  view(): MasterView {
    return this.core.view();
  }

  /** Ends the term: no more ticks, and queued effects are not performed. */
  stop(): void {
    this.ended = true;
    clearInterval(this.timer);
  }

  private tick(): void {
    this.submit({ kind: 'tick' }).catch(() => undefined);
  }

  private async perform(outputs: MasterOutput[]): Promise<CallAnswer | null> {
    if (this.ended) throw new NotLeadingError('This master is no longer the leading master');
    const persist = outputs.filter((o) => o.kind === 'persistRegistry').at(-1);
    if (persist !== undefined) await this.persist(persist.registry);
    const { targets } = this.options;
    for (const o of outputs) {
      if (o.kind === 'toAgent') targets.toAgent(o.connection, o.message);
      else if (o.kind === 'toFramework') targets.toFramework(o.streamId, o.event);
      else if (o.kind === 'closeStream') targets.closeStream(o.streamId);
    }
    return outputs.find((o): o is CallAnswer => o.kind === 'callAnswer') ?? null;
  }

  private async persist(registry: Parameters<RegistryStore['store']>[0]): Promise<void> {
    try {
      await this.options.registry.store(registry);
    } catch (err) {
      if (!this.ended) {
        this.stop();
        this.options.onFailure(err);
      }
      throw new NotLeadingError('The registry could not be updated; this master stopped leading');
    }
    if (this.ended) throw new NotLeadingError('This master is no longer the leading master');
  }
}
