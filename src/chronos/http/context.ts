// What the Chronos REST API needs from the scheduler it runs in: who leads, the leading core (to read, and to
// command with its effects run persist → send before the reply), this server's id and the clock.
import type { ChronosCore } from '../core/chronos.js';
import type { ApiError, Output } from '../core/messages.js';

export type ChronosLeadership =
  | {
      leading: true;
      core: ChronosCore;
      /** Runs a command's effects (persist, then Mesos calls, then events) and resolves with its reply. */
      run<R>(output: Output<R>): Promise<R | ApiError>;
    }
  /** A standby: `leaderUrl` (`http://host:port`) is where requests are proxied; null while none is known. */
  | { leading: false; leaderUrl: string | null };

export interface ChronosHttpContext {
  leadership(): ChronosLeadership;
  /** `host:port` of the leader as the latch says (this server's own while it leads); null while none is known. */
  leaderId(): string | null;
  /** This server's `host:port` (Chronos's `hostname:http_port`). */
  hostPort: string;
  /** Wall clock (ms since the epoch); passed into every command. */
  now(): number;
}
