import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * `npm run clean`: removes every cache the project keeps and the synth output, so that the next
 * synth and test run start from nothing. Each cache is content-addressed (a stale entry is never
 * used); this is for disk space, or to rule the caches out when something looks wrong.
 */
export function cleanTargets(tmpdir: string = os.tmpdir()): { readonly path: string; readonly what: string }[] {
  return [
    { path: ".cache/run-ts", what: "the app's bundle and V8 code cache (app/run-ts.js)" },
    { path: ".cache/config", what: "validated configs (app/config-cache.ts)" },
    { path: ".cache/lambda", what: "Lambda bundles (lambda/bundle.ts)" },
    { path: ".cache/plugins", what: "wheels and plugins.zip builds (plugins/)" },
    { path: ".cache/tsc", what: "tsc -b build info (tsconfig.json)" },
    { path: ".cache/eslint", what: "eslint's cache (npm run lint)" },
    { path: ".cache/prettier", what: "prettier's cache (npm run lint, npm run format)" },
    { path: ".cache/review-judge", what: "crafted base states and plans of the review corpus (review/corpus-run.ts)" },
    { path: ".cache/review-corpus-files", what: "artifacts the review corpus scenarios change (review/corpus-run.ts)" },
    { path: ".cache/library-test", what: "a kept library test result (MWAA_TEST_REUSE=1)" },
    { path: ".cache", what: "anything else under .cache/ (test scratch folders)" },
    { path: "cdktf.out", what: "synthesized stacks and their assets (Terraform's .terraform/ folders in it too)" },
    { path: "dist", what: "the library build (npm run build)" },
    {
      path: path.join(tmpdir, "mwaa-cdktn-check-install"),
      what: "npm installs of the CDK Terrain check (npm run check:cdktn)",
    },
  ];
}

/** Removes each target that exists, saying what it was. Terraform state (terraform.*.tfstate at the root) is never touched. */
export function clean(root: string, log: (line: string) => void, tmpdir: string = os.tmpdir()): void {
  for (const entry of cleanTargets(tmpdir)) {
    const full = path.resolve(root, entry.path);
    if (!fs.existsSync(full)) continue;
    fs.rmSync(full, { recursive: true, force: true });
    log(`clean: removed ${entry.path}: ${entry.what}`);
  }
}

if (require.main === module) clean(process.cwd(), (line) => process.stdout.write(`${line}\n`));
