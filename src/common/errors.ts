// Errors a user can act on: the CLI prints the message as one line and exits with code 1.
// Anything else is a bug and keeps its stack trace.

export class UserError extends Error {
  override readonly name = 'UserError';
}

/** A thrown value as one line of text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
