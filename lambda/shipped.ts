/**
 * The Lambda bundles the package ships, as aws-cdk-lib ships its handler bundles: `npm pack`
 * builds them (prepack, scripts/bundle-lambdas.ts) next to this file's compiled form, as
 * dist/lambda/<name>.zip, so a library user needs no esbuild at synth. In a source checkout
 * (this file is lambda/shipped.ts, beside the handler sources) they are bundled on first use into
 * .cache/lambda with the dev dependency esbuild. Neither there: an error, never a dropped feature.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { sha256Base64 } from "../util/cache";
import type { LambdaCode } from "../model/prepared";

/** The handlers under lambda/ the package ships a bundle of. */
export type ShippedLambda = "worker-count" | "login" | "airflow-apply" | "airflow-backup";

const found = new Map<ShippedLambda, LambdaCode>();

/** The shipped bundle of a handler; throws an Error saying what is missing when there is none. */
export function shippedLambdaCode(name: ShippedLambda): LambdaCode {
  const known = found.get(name);
  if (known !== undefined) return known;
  const code = findLambdaCode(__dirname, name);
  found.set(name, code);
  return code;
}

/** `<dir>/<name>.zip`, or a build of `<dir>/<name>/handler.ts` (a source checkout); else an Error. */
export function findLambdaCode(dir: string, name: string): LambdaCode {
  const zipPath = path.join(dir, `${name}.zip`);
  if (fs.existsSync(zipPath)) return { zipPath, sha256Base64: sha256Base64(fs.readFileSync(zipPath)) };
  const entry = path.join(dir, name, "handler.ts");
  if (!fs.existsSync(entry))
    throw new Error(`no ${name} Lambda bundle shipped with the package (${zipPath} is missing; npm pack builds it)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { bundleLambda } = require("./bundle") as typeof import("./bundle");
  return bundleLambda({ entry, cacheDir: path.join(dir, "..", ".cache", "lambda"), name });
}

/** Whether a bundle the app gave is on disk: constructs ask here rather than read files themselves. */
export function bundleExists(code: LambdaCode): boolean {
  return fs.existsSync(code.zipPath);
}
