import * as fs from "fs";
import * as path from "path";
import { type CostAssumptions, USAGE_FILE, usageFileText } from "../cost/infracost-usage";
import { type BillableUnits, billableUnits, unitsLine } from "../cost/units";
import { type AccessHostSummary, accessHostOf, portForwardingLines } from "./port-forwarding";

/** One synthesized stack, as counted from the Terraform JSON it was written to. */
export interface StackSummary {
  readonly name: string;
  /** The stack's cdk.tf.json, relative to the working directory. */
  readonly file: string;
  readonly resources: number;
  readonly dataSources: number;
  /** What the stack bills by the hour (cost/units.ts). */
  readonly units: BillableUnits;
  /** The evaluation host (access.evaluationHost), if the stack has one. */
  readonly accessHost?: AccessHostSummary;
  /** Names of the airflowState secrets the stack creates, which Terraform leaves without a value. */
  readonly secrets?: readonly string[];
}

interface Manifest {
  readonly stacks: Record<string, { readonly name: string; readonly synthesizedStackPath: string }>;
}

type Blocks = Record<string, Record<string, unknown>> | undefined;
const count = (blocks: Blocks) => Object.values(blocks ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);

/**
 * Reads what synth wrote: cdktf's manifest.json lists the stacks, each stack's JSON holds its
 * blocks. With `cost` (stack name -> the config's `cost` block) it also
 * writes each stack's Infracost usage file beside its cdk.tf.json.
 */
export function summarizeOutput(
  outdir: string,
  cwd = process.cwd(),
  cost?: (stack: string) => CostAssumptions,
): StackSummary[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as Manifest;
  return Object.values(manifest.stacks).map((stack) => {
    const file = path.join(outdir, stack.synthesizedStackPath);
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as { resource?: Blocks; data?: Blocks } & Parameters<
      typeof accessHostOf
    >[0];
    const doc = json as Parameters<typeof billableUnits>[0];
    if (cost !== undefined)
      fs.writeFileSync(path.join(path.dirname(file), USAGE_FILE), usageFileText(doc, cost(stack.name)));
    const accessHost = accessHostOf(json);
    const secrets = airflowStateSecrets(json.resource);
    return {
      name: stack.name,
      file: path.relative(cwd, file),
      resources: count(json.resource),
      dataSources: count(json.data),
      units: billableUnits(doc),
      ...(accessHost !== undefined ? { accessHost } : {}),
      ...(secrets.length > 0 ? { secrets } : {}),
    };
  });
}

/** The secrets constructs/airflow-secrets.ts creates (ids Connection_<name>, Variable_<name>), by name. */
function airflowStateSecrets(resources: Blocks): string[] {
  return Object.entries((resources?.aws_secretsmanager_secret ?? {}) as Record<string, { name?: unknown }>)
    .filter(([id, block]) => /(^|_)AirflowSecrets_(Connection|Variable)_/.test(id) && typeof block.name === "string")
    .map(([, block]) => block.name as string);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The lines synth prints when it is done: each stack with its counts, file and billable units (the
 * Infracost usage file is beside the file), then what to run
 * next. `underCdktfCli` leaves out the next step: `cdktf diff`/`deploy` go on by themselves.
 */
export function summaryLines(stacks: readonly StackSummary[], underCdktfCli: boolean): string[] {
  const width = Math.max(...stacks.map((s) => s.name.length));
  const lines = [
    `synth: wrote ${plural(stacks.length, "stack", "stacks")}`,
    ...stacks.flatMap((s) => [
      `  ${s.name.padEnd(width)}  ${plural(s.resources, "resource", "resources")}, ${plural(s.dataSources, "data source", "data sources")}  ${s.file}`,
      `  ${" ".repeat(width)}  billed by the hour: ${unitsLine(s.units)}`,
    ]),
  ];
  for (const s of stacks)
    if (s.accessHost !== undefined) lines.push(...portForwardingLines(s.name, s.file, s.accessHost));
  for (const s of stacks) {
    if (s.secrets === undefined) continue;
    lines.push(
      `${s.name}: ${plural(s.secrets.length, "secret is", "secrets are")} created without a value (${s.secrets.join(", ")}): set each after deploy (docs/airflow-state.md, "Setting a secret's value"); npm run airflow-state -- check-secrets --config <config> lists those still empty`,
    );
  }
  if (!underCdktfCli && stacks.length > 0) {
    const first = stacks[0].name;
    lines.push(
      `next: npm run diff -- ${first} (AWS credentials needed), then npm run deploy -- ${first}; README "First deploy" walks through it`,
    );
  }
  return lines;
}
