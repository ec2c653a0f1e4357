/**
 * A handler's own deadline: the time Lambda says is left (`context.getRemainingTimeInMillis()`,
 * Lambda Developer Guide, "Using the Lambda context object to retrieve Node.js function
 * information") minus a margin to answer and log. Each AWS call gets the signal through the SDK's
 * per-command `abortSignal` option, which cancels the HTTP request in flight, and is raced against
 * it, because the retry back-off between attempts does not watch the signal (@smithy/middleware-retry
 * 2.3.1, installed here, never reads it). So a slow AWS answer ends in the handler's own answer and
 * log line, not in Lambda's timeout.
 */

/** What the handlers read of the Lambda context. */
export interface DeadlineContext {
  readonly getRemainingTimeInMillis?: () => number;
}

/** Thrown when the deadline passes first; its name is what the log line shows. */
export class DeadlineExceeded extends Error {
  constructor(what: string) {
    super(`${what}: no answer within the function's remaining time`);
    this.name = "DeadlineExceeded";
  }
}

/** Aborts `marginMs` before the function times out; without a context (tests, local runs), after `fallbackMs`. */
export function deadlineSignal(
  context: DeadlineContext | undefined,
  marginMs: number,
  fallbackMs: number,
): AbortSignal {
  const remaining =
    typeof context?.getRemainingTimeInMillis === "function"
      ? context.getRemainingTimeInMillis()
      : fallbackMs + marginMs;
  return AbortSignal.timeout(Math.max(0, Math.floor(remaining - marginMs)));
}

/** `work`, or a DeadlineExceeded rejection as soon as `signal` aborts, whichever comes first. */
export function beforeDeadline<T>(
  signal: AbortSignal,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal.aborted) return Promise.reject(new DeadlineExceeded(what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DeadlineExceeded(what));
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(signal)
      .then(work)
      .then(
        (value) => {
          signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(signal.aborted ? new DeadlineExceeded(what) : err);
        },
      );
  });
}
