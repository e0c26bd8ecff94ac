// How the master's calls answer over HTTP: the core's answer as a plain-text body (503 when this master
// stopped leading before it answered), shared by the scheduler API and the operator endpoints.
import type { Response } from 'express';
import { NotLeadingError, type CallAnswer } from '../leading.js';

/** The core's answer; 503 when this master stopped leading before answering. */
export async function answerOf(pending: Promise<CallAnswer | null>): Promise<{ status: number; message?: string }> {
  try {
    return (await pending) ?? { status: 500, message: 'The master did not answer the call' };
  } catch (err) {
    if (err instanceof NotLeadingError) return { status: 503, message: err.message };
    throw err;
  }
}

export function plain(res: Response, status: number, message: string): void {
  if (res.headersSent) return;
  res.status(status);
  if (message === '') res.end();
  else res.type('text/plain').send(message);
}
