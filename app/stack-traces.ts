import { version as cdktfVersion } from "cdktf/package.json";
import { VERIFIED_CDKTF } from "./fast-synth";

/**
 * cdktf records a full stack trace for every token it creates (node_modules/cdktf/lib/tokens/
 * private/stack-trace.js, called by Lazy, Intrinsic and the dynamic blocks), kept only for its own
 * error messages (tokens/resolvable.js): about 40% of a synth. While this is on, those traces are
 * empty. Errors thrown meanwhile still get their stack: V8 records it when an Error is
 * constructed, without calling Error.captureStackTrace.
 *
 * Only on the cdktf release this was checked against (the one fastSynth is checked against); any
 * other keeps Error.captureStackTrace as it is. Returns what puts the original back.
 */
export function withoutTokenStackTraces(installed: string = cdktfVersion): () => void {
  if (installed !== VERIFIED_CDKTF) return () => undefined;
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = () => undefined;
  return () => {
    Error.captureStackTrace = capture;
  };
}
