// The Mesos v1 scheduler API as a framework sees it (offers, tasks, statuses, calls and the link's inputs):
// the contract the Marathon- and Chronos-style schedulers share, whose shapes the master's v1 module owns.
export type { CallWithoutFramework } from '../api/mesos.js';
export {
  isTerminalState,
  type Attribute,
  type CommandInfo,
  type ContainerInfo,
  type FrameworkInfo,
  type Offer,
  type Resource,
  type TaskInfo,
  type TaskState,
  type TaskStatus,
} from '../master/core/v1.js';
import type { Offer, TaskStatus } from '../master/core/v1.js';

/** What a framework's link to the leading master feeds its core; `now` is ms since the epoch. */
export type LinkInput =
  | { type: 'subscribed'; frameworkId: string; master: string; now: number }
  | { type: 'disconnected'; message: string; now: number }
  | { type: 'offers'; offers: Offer[]; now: number }
  | { type: 'rescind'; offerId: string; now: number }
  | { type: 'update'; status: TaskStatus; now: number };
