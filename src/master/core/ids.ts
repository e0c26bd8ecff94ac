// Deterministic ids of the leading master, in Mesos's formats: <masterId>-S<n> for agents,
// <masterId>-<nnnn> for frameworks, <masterId>-O<n> for offers; counters start at 0 per master.

export class MasterIds {
  private agents = 0;
  private frameworks = 0;
  private offers = 0;

  constructor(private readonly masterId: string) {}

  agent(): string {
    return `${this.masterId}-S${this.agents++}`;
  }

  framework(): string {
    return `${this.masterId}-${String(this.frameworks++).padStart(4, '0')}`;
  }

  offer(): string {
    return `${this.masterId}-O${this.offers++}`;
  }
}
