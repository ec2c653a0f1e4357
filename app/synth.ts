import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { synthApp } from "./fast-synth";
import { withoutTokenStackTraces } from "./stack-traces";

/**
 * `MWAA_PLAIN_SYNTH=1`: the plain path. The app synthesizes with cdktf's own `app.synth()`, with no
 * patch (token stack traces, the preparing pass, asset copies) and no config cache; app/run-ts.js
 * runs the entry through tsx instead of its cached bundle. Same bytes as the fast path
 * (__tests__/plain-synth.test.ts); for telling whether a problem comes from the speed-ups.
 */
export const PLAIN_ENV = "MWAA_PLAIN_SYNTH";

/** Whether the plain path was asked for: the variable set to anything but "" or "0". */
export function plainSynthRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[PLAIN_ENV];
  return value !== undefined && value !== "" && value !== "0";
}

/**
 * Builds the app's stacks with `build` and writes them to `outdir`: cdktf's plain `app.synth()`
 * when `plain`, else the fast path (token stack traces off while the constructs are built and
 * written, then fastSynth). Either way the folders of stacks of earlier synths go.
 */
export function synthesize(outdir: string, build: (app: App) => void, plain: boolean): void {
  // cdktf's App creates only the last folder of the path.
  fs.mkdirSync(outdir, { recursive: true });
  if (plain) {
    // cdktf leaves stacks of earlier synths in cdktf.out/stacks otherwise.
    fs.rmSync(path.join(outdir, "stacks"), { recursive: true, force: true });
    const app = new App({ outdir, stackTraces: false });
    build(app);
    app.synth();
    return;
  }
  const restoreStackTraces = withoutTokenStackTraces();
  try {
    const app = new App({ outdir, stackTraces: false });
    build(app);
    // Only now, with every construct built: it also removes what earlier synths left in cdktf.out/stacks.
    synthApp(app);
  } finally {
    restoreStackTraces();
  }
}
