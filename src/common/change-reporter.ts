// Reporting a component's state to its host only when it changed: the last value sent is compared
// as JSON, so callers can report after every input without flooding the host.

export class ChangeReporter<T> {
  private last = '';

  constructor(private readonly onChange: ((value: T) => void) | undefined) {}

  report(value: T): void {
    const text = JSON.stringify(value);
    if (text === this.last) return;
    this.last = text;
    this.onChange?.(value);
  }
}
