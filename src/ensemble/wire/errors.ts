// The one error type the wire codecs throw: malformed, truncated or oversized bytes.
// TruncatedError also says how many bytes a complete record would have needed.

export class WireError extends Error {
  override name = 'WireError';
}

/** Input ended early; `needed` is the offset the read would have had to reach. */
export class TruncatedError extends WireError {
  override name = 'TruncatedError';
  constructor(
    readonly needed: number,
    message: string,
  ) {
    super(message);
  }
}
