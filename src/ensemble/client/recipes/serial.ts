// Runs an async refresh one at a time: a request while one runs makes it run once more afterwards,
// so bursts of watch events and reconnects collapse into few reads.

export class Serial {
  private running = false;
  private again = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  run(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.task();
      } catch (err) {
        this.onError(err);
      }
    } while (this.again);
    this.running = false;
  }
}
