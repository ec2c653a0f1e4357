/**
 * prepack: builds the Lambda bundles the package ships (dist/lambda/<name>.zip, found by
 * lambda/shipped.ts), so library users need no esbuild at synth.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { bundleLambda } from "../lambda/bundle";
import type { ShippedLambda } from "../lambda/shipped";

const SHIPPED: readonly ShippedLambda[] = ["worker-count", "login", "airflow-apply", "airflow-backup"];

const root = path.resolve(__dirname, "..");
const out = path.join(root, "dist", "lambda");
fs.mkdirSync(out, { recursive: true });
for (const name of SHIPPED) {
  const bundle = bundleLambda({
    entry: path.join(root, "lambda", name, "handler.ts"),
    cacheDir: path.join(root, ".cache", "lambda"),
    name,
  });
  fs.copyFileSync(bundle.zipPath, path.join(out, `${name}.zip`));
  // stderr: stdout is `npm pack --json`'s.
  process.stderr.write(`dist/lambda/${name}.zip: ${bundle.sizeBytes} bytes\n`);
}
