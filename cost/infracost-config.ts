/**
 * An Infracost config file (infracost.yml) for a cdktf output folder: one project per stack, with
 * the usage file synth wrote beside it, so one `infracost breakdown --config-file` prices every
 * stack. Format (infracost/infracost@95ba4f4 internal/config/config.go `Project`, and
 * cmd/infracost/testdata/breakdown_config_file/infracost.yml): `version: 0.1`, `projects:` with
 * `path`, `name` and `usage_file`. Infracost reads the stack's `cdk.tf.json` as Terraform
 * (internal/providers/terraform/dir_provider.go takes *.tf.json).
 *
 *   node -r tsx/cjs cost/infracost-config.ts <cdktf.out folder> > infracost.yml
 */
import * as fs from "fs";
import * as path from "path";
import { USAGE_FILE } from "./infracost-usage";

interface Manifest {
  readonly stacks: Record<string, { readonly name: string; readonly synthesizedStackPath: string }>;
}

/** The config's text; paths relative to `relativeTo` (where infracost runs). A base synth of older code may have no usage files. */
export function infracostConfig(outdir: string, relativeTo = process.cwd()): string {
  const manifestFile = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifestFile)) throw new Error(`${outdir}: no manifest.json (not a cdktf output folder)`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Manifest;
  const lines = ["version: 0.1", "projects:"];
  const stacks = Object.values(manifest.stacks).sort((a, b) => a.name.localeCompare(b.name));
  for (const stack of stacks) {
    const dir = path.dirname(path.join(outdir, stack.synthesizedStackPath));
    const rel = (p: string) => JSON.stringify(path.relative(relativeTo, p).split(path.sep).join("/"));
    lines.push(`  - path: ${rel(dir)}`, `    name: ${JSON.stringify(stack.name)}`);
    if (fs.existsSync(path.join(dir, USAGE_FILE))) lines.push(`    usage_file: ${rel(path.join(dir, USAGE_FILE))}`);
  }
  if (stacks.length === 0) lines[1] = "projects: []";
  return `${lines.join("\n")}\n`;
}

if (require.main === module) {
  const [outdir] = process.argv.slice(2);
  if (outdir === undefined) {
    process.stderr.write("usage: node -r tsx/cjs cost/infracost-config.ts <cdktf.out folder>\n");
    process.exitCode = 1;
  } else {
    try {
      process.stdout.write(infracostConfig(outdir));
    } catch (e) {
      process.stderr.write(`infracost-config: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}
