// Time helpers for I/O shells (cores take time as arguments instead).

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export interface TimeoutOptions {
  ms: number;
  /** Names what timed out, e.g. "creating /app". */
  what: string;
}

/** Settles like `promise`, or rejects with TimeoutError after `ms` (a later result is dropped). */
export function withTimeout<T>(promise: Promise<T>, options: TimeoutOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new TimeoutError(`${options.what} timed out after ${options.ms / 1000} s`)),
      options.ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
