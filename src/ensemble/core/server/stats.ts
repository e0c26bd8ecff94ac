// Request counters a member keeps for srvr/stat/mntr/cons: packets in and out and request latency
// (min/avg/max in ms), per server and per connection.

/** Latency of answered requests, in ms. */
export class LatencyStats {
  private count = 0;
  private total = 0;
  private minMs = Number.POSITIVE_INFINITY;
  private maxMs = 0;
  private lastMs = 0;

  add(ms: number): void {
    const v = Math.max(0, Math.round(ms));
    this.count++;
    this.total += v;
    this.lastMs = v;
    this.minMs = Math.min(this.minMs, v);
    this.maxMs = Math.max(this.maxMs, v);
  }

  reset(): void {
    this.count = 0;
    this.total = 0;
    this.minMs = Number.POSITIVE_INFINITY;
    this.maxMs = 0;
    this.lastMs = 0;
  }

  get min(): number {
    return this.count === 0 ? 0 : this.minMs;
  }

  get max(): number {
    return this.maxMs;
  }

  get last(): number {
    return this.lastMs;
  }

  /** Server-wide average: a double rounded to 4 decimals. */
  get avg(): number {
    return this.count === 0 ? 0 : Math.round((this.total / this.count) * 10_000) / 10_000;
  }

  /** Per-connection average: whole ms. */
  get avgWhole(): number {
    return this.count === 0 ? 0 : Math.floor(this.total / this.count);
  }
}

export class ServerStats {
  packetsReceived = 0;
  packetsSent = 0;
  authFailed = 0;
  unsuccessfulHandshakes = 0;
  readonly latency = new LatencyStats();

  /** srst */
  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.latency.reset();
  }
}

/** A double as Java prints it: always with a fractional part ("0.0", "3.3333"). */
export const javaDouble = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));
