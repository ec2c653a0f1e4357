import * as fs from "fs";
import * as path from "path";

/** One synthesized stack, as counted from the Terraform JSON it was written to. */
export interface StackSummary {
  readonly name: string;
  /** The stack's cdk.tf.json, relative to the working directory. */
  readonly file: string;
  readonly resources: number;
  readonly dataSources: number;
}

interface Manifest {
  readonly stacks: Record<string, { readonly name: string; readonly synthesizedStackPath: string }>;
}

type Blocks = Record<string, Record<string, unknown>> | undefined;
const count = (blocks: Blocks) => Object.values(blocks ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);

/** Reads what synth wrote: cdktf's manifest.json lists the stacks, each stack's JSON holds its blocks. */
export function summarizeOutput(outdir: string, cwd = process.cwd()): StackSummary[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as Manifest;
  return Object.values(manifest.stacks).map((stack) => {
    const file = path.join(outdir, stack.synthesizedStackPath);
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as { resource?: Blocks; data?: Blocks };
    return { name: stack.name, file: path.relative(cwd, file), resources: count(json.resource), dataSources: count(json.data) };
  });
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The lines synth prints when it is done: each stack with its counts and file, then what to run
 * next. `underCdktfCli` leaves out the next step: `cdktf diff`/`deploy` go on by themselves.
 */
export function summaryLines(stacks: readonly StackSummary[], underCdktfCli: boolean): string[] {
  const width = Math.max(...stacks.map((s) => s.name.length));
  const lines = [
    `synth: wrote ${plural(stacks.length, "stack", "stacks")}`,
    ...stacks.map((s) => `  ${s.name.padEnd(width)}  ${plural(s.resources, "resource", "resources")}, ${plural(s.dataSources, "data source", "data sources")}  ${s.file}`),
  ];
  if (!underCdktfCli && stacks.length > 0) {
    const first = stacks[0].name;
    lines.push(`next: npm run diff -- ${first} (AWS credentials needed), then npm run deploy -- ${first}; README "First deploy" walks through it`);
  }
  return lines;
}
