/**
 * `terraform plan` of a change with the real hashicorp/aws provider and no AWS: a state for the base
 * synth is crafted from its own configuration (the values of a plan from empty state, plus fake ids
 * and computed values), planned with `-refresh=false` until it plans no change (a fake apply), and the
 * head synth is planned against it. The provider decides replacement locally (PlanResourceChange,
 * CustomizeDiff), so this needs only the provider binary.
 *
 * No AWS call happens: the provider is configured with fake keys and the skip_* settings of
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs#skip_credentials_validation
 * (skip_credentials_validation, skip_requesting_account_id, skip_metadata_api_check,
 * skip_region_validation); `terraform plan -refresh=false` reads no managed resource; data sources
 * the provider answers locally (aws_iam_policy_document, aws_partition, aws_region) stay real, the
 * others are replaced by locals with the mocks' values (./test-file.ts). Such a local is unknown when
 * its arguments are, and when a managed resource it references has a change planned (Terraform
 * reads the data source at apply then): the plan is made again with those locals unknown
 * (`timestamp()` is unknown during plan) until that set is stable.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { type TerraformEnv, errorLines, terraform } from "./check-stack";
import { type ProviderSchema, type SchemaBlock, knownValues, remoteStateOutputs } from "./test-file";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** Data sources the provider answers without calling AWS. */
const LOCAL_DATA = new Set(["aws_iam_policy_document", "aws_partition", "aws_region"]);
const ACCOUNT = "123456789012";
const META = new Set(["//", "depends_on", "provider", "lifecycle", "count", "for_each"]);

/** One address's planned change, from `terraform show -json`. */
export interface PlannedChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly actions: readonly string[];
  readonly replacePaths?: readonly Json[];
  readonly actionReason?: string;
  /** Paths (top-level attribute names) known only after apply. */
  readonly unknown: readonly string[];
}

export interface SimulatedPlan {
  readonly changes: readonly PlannedChange[];
  /** Data sources replaced by locals and read at apply (a dependency has a planned change). */
  readonly deferredLocals: readonly string[];
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Rewrites a stack document so that plan runs offline: fake keys, no backend, no prevent_destroy, local data. */
export function offlineDocument(doc: Obj, awsVersion: string | undefined, deferred: ReadonlySet<string>): Obj {
  const out = JSON.parse(JSON.stringify(doc)) as Obj;
  const tf = isObj(out.terraform) ? out.terraform : {};
  delete tf.backend;
  const aws = isObj(tf.required_providers) && isObj(tf.required_providers.aws) ? tf.required_providers.aws : undefined;
  if (aws !== undefined && awsVersion !== undefined) aws.version = awsVersion;
  const providers = isObj(out.provider) && Array.isArray(out.provider.aws) ? (out.provider.aws as Obj[]) : [];
  for (const p of providers) {
    delete p.assume_role;
    delete p.profile;
    Object.assign(p, {
      access_key: "mock",
      secret_key: "mock",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    });
  }
  // The review judges changes, not prevent_destroy: a replacement must show, not stop the plan.
  for (const byName of Object.values(isObj(out.resource) ? out.resource : {})) {
    for (const block of Object.values(isObj(byName) ? byName : {}))
      if (isObj(block) && isObj(block.lifecycle)) delete block.lifecycle.prevent_destroy;
  }
  const region = (providers.find((p) => p.alias === undefined)?.region as string | undefined) ?? "us-east-1";
  const data = isObj(out.data) ? out.data : {};
  const locals: Obj = isObj(out.locals) ? out.locals : {};
  const text = JSON.stringify(out);
  const renames: [string, string][] = [];
  const known = knownValues(region);
  for (const [type, byName] of Object.entries(data)) {
    if (LOCAL_DATA.has(type) || !isObj(byName)) continue;
    for (const [name, block] of Object.entries(byName)) {
      const address = `data.${type}.${name}`;
      const local = `mock_${type}_${name}`.replace(/[^A-Za-z0-9_]/g, "_");
      const inputs = Object.fromEntries(Object.entries(isObj(block) ? block : {}).filter(([k]) => !META.has(k)));
      const referenced = new Set(
        [...text.matchAll(new RegExp(`${address.replace(/[.]/g, "\\.")}\\.([a-z_0-9]+)`, "g"))].map(
          (m) => m[1] as string,
        ),
      );
      const values: Obj = type === "terraform_remote_state" ? { outputs: remoteStateOutputs(text, name, region) } : {};
      for (const attr of referenced) {
        if (attr in values) continue;
        values[attr] =
          known[`data_${type}`]?.[attr] ??
          (attr === "account_id"
            ? ACCOUNT
            : attr === "arn" || attr.endsWith("_arn")
              ? `arn:aws:mock:${region}:${ACCOUNT}:mock/${name}/${attr}`
              : `mock-${attr}`);
      }
      // Unknown when its inputs are, or when the read is deferred (timestamp() is unknown in a plan).
      const condition = deferred.has(address)
        ? "length(timestamp()) > 0"
        : `length(jsonencode(local.${local}_inputs)) >= 0`;
      locals[`${local}_inputs`] = inputs as Json;
      locals[local] = Object.fromEntries(
        Object.entries(values).map(([k, v]) => [
          k,
          `\${${condition} ? jsondecode(${JSON.stringify(JSON.stringify(v))}) : jsondecode(${JSON.stringify(JSON.stringify(v))})}`,
        ]),
      );
      delete byName[name];
      renames.push([`${address}.`, `local.${local}.`]);
    }
    if (Object.keys(byName).length === 0) delete data[type];
  }
  if (Object.keys(data).length === 0) delete out.data;
  out.locals = locals;
  let rewritten = JSON.stringify(out);
  for (const [from, to] of renames) rewritten = rewritten.split(from).join(to);
  return JSON.parse(rewritten) as Obj;
}

/** The managed addresses a data source block references directly. */
function managedReferences(block: Json): string[] {
  return [
    ...new Set(
      [...JSON.stringify(block).matchAll(/(?<![.\w])(aws_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*)\.[a-z_]/g)].map(
        (m) => m[1] as string,
      ),
    ),
  ];
}

/**
 * Values AWS gives optional computed attributes that the provider checks against the configuration
 * (a random string there plans a replacement). hashicorp/terraform-provider-aws
 * internal/service/elbv2/target_group.go: `protocol_version` is Optional, Computed and ForceNew, and
 * its diff is not suppressed for HTTP/HTTPS target groups; the value AWS gives when none is sent is
 * HTTP1 (ELBv2 API reference, CreateTargetGroup ProtocolVersion: "The default is HTTP1").
 */
const REALISTIC: Readonly<Record<string, Obj>> = {
  // `user_data` is Optional and Computed with a StateFunc (userDataHashSum, sha1 hex) in
  // internal/service/ec2/ec2_instance.go: a faked value is hashed again on every plan. An instance
  // launched without user data has none.
  aws_instance: { user_data: null },
  aws_lb_target_group: {
    protocol_version: "HTTP1",
    ip_address_type: "ipv4",
    load_balancing_algorithm_type: "round_robin",
    load_balancing_anomaly_mitigation: "off",
    load_balancing_cross_zone_enabled: "use_load_balancer_configuration",
  },
};

/** A fake value of a cty type for an attribute known only after apply. */
function fake(type: Json | undefined, address: string, name: string, region: string, resourceType: string): Json {
  if (type === "string") {
    const hash = crypto.createHash("sha256").update(`${address}.${name}`).digest("hex");
    if (name === "arn" || name.endsWith("_arn"))
      return `arn:aws:${resourceType.split("_")[1] ?? "mock"}:${region}:${ACCOUNT}:${resourceType}/${hash.slice(0, 12)}`;
    if (name === "id") {
      const prefix: Record<string, string> = {
        aws_vpc: "vpc",
        aws_subnet: "subnet",
        aws_security_group: "sg",
        aws_vpc_endpoint: "vpce",
        aws_internet_gateway: "igw",
        aws_nat_gateway: "nat",
        aws_eip: "eipalloc",
        aws_route_table: "rtb",
      };
      return prefix[resourceType] !== undefined
        ? `${prefix[resourceType]}-${hash.slice(0, 17)}`
        : `mock-${hash.slice(0, 12)}`;
    }
    return `mock-${name}-${hash.slice(0, 8)}`;
  }
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) return [];
  if (Array.isArray(type) && type[0] === "map") return {};
  return null;
}

/** A partly known value of cty type `type`: its unknown parts from `prior`, else faked. */
function fillValue(
  value: Json,
  unknown: Json | undefined,
  prior: Json | undefined,
  type: Json | undefined,
  at: string,
): Json {
  if (unknown === true)
    return prior !== undefined && prior !== null
      ? prior
      : fake(
          Array.isArray(type) && type[0] === "object" ? null : type,
          at,
          at.split(".").pop() as string,
          "us-east-1",
          "mock",
        );
  if (Array.isArray(value) && Array.isArray(unknown)) {
    const element = Array.isArray(type) ? type[1] : undefined;
    return value.map((x, i) =>
      fillValue(x, unknown[i], Array.isArray(prior) ? (prior[i] ?? prior[0]) : undefined, element, `${at}[${i}]`),
    );
  }
  if (isObj(value) && isObj(unknown)) {
    const fields = Array.isArray(type) && type[0] === "object" && isObj(type[1]) ? type[1] : undefined;
    const element = Array.isArray(type) && type[0] === "map" ? type[1] : undefined;
    const out: Obj = { ...value };
    const p = isObj(prior) ? prior : {};
    for (const [k, mark] of Object.entries(unknown))
      if (mark !== false) out[k] = fillValue(out[k] ?? null, mark, p[k], fields?.[k] ?? element, `${at}.${k}`);
    return out;
  }
  return value;
}

/** `value` with its unknown parts (marked in `unknown`) filled from `prior`, else faked by the schema. */
function fill(
  value: Json | undefined,
  unknown: Json | undefined,
  prior: Json | undefined,
  schema: SchemaBlock | undefined,
  ctx: { address: string; region: string; type: string; known: Obj },
): Json {
  const out: Obj = isObj(value) ? { ...value } : {};
  const u = isObj(unknown) ? unknown : {};
  const p = isObj(prior) ? prior : {};
  for (const [name, attr] of Object.entries(schema?.attributes ?? {})) {
    const realistic = REALISTIC[ctx.type];
    if (u[name] === true)
      out[name] =
        realistic !== undefined && name in realistic
          ? (realistic[name] as Json)
          : p[name] !== undefined && p[name] !== null
            ? p[name]
            : (ctx.known[name] ?? fake(attr.type, ctx.address, name, ctx.region, ctx.type));
    else if (u[name] !== undefined && u[name] !== false)
      out[name] = fillValue(
        out[name] ?? null,
        u[name],
        p[name] ?? ctx.known[name],
        attr.type,
        `${ctx.address}.${name}`,
      );
  }
  for (const [name, nested] of Object.entries(schema?.block_types ?? {})) {
    const v = out[name];
    if (!Array.isArray(v)) continue;
    const uv = Array.isArray(u[name]) ? (u[name] as Json[]) : [];
    const pv = Array.isArray(p[name]) ? (p[name] as Json[]) : [];
    out[name] = v.map((item, i) => fill(item, uv[i], pv[i], nested.block, ctx));
  }
  return out;
}

interface ShowJson {
  readonly resource_changes?: readonly {
    address: string;
    mode: "managed" | "data";
    type: string;
    name: string;
    index?: Json;
    action_reason?: string;
    change: {
      actions: string[];
      before?: Json;
      after?: Json;
      after_unknown?: Json;
      after_sensitive?: Json;
      replace_paths?: Json[];
    };
  }[];
}

async function planJson(t: TerraformEnv, dir: string, label: string): Promise<ShowJson> {
  const plan = await terraform(t, dir, [
    "plan",
    "-refresh=false",
    "-input=false",
    "-lock=false",
    "-no-color",
    "-out=judge.tfplan",
  ]);
  if (plan.code !== 0) throw new Error(`terraform plan of ${label} failed: ${errorLines(plan.output, 8).join(" | ")}`);
  const show = await terraform(t, dir, ["show", "-json", "judge.tfplan"]);
  if (show.code !== 0) throw new Error(`terraform show of ${label} failed: ${errorLines(show.output, 4).join(" | ")}`);
  return JSON.parse(show.stdout) as ShowJson;
}

export function writeDoc(dir: string, doc: Obj, awsVersion: string | undefined, deferred: ReadonlySet<string>): void {
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(offlineDocument(doc, awsVersion, deferred), null, 1));
}

const PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';

function regionOf(doc: Obj): string {
  const providers = isObj(doc.provider) && Array.isArray(doc.provider.aws) ? (doc.provider.aws as Obj[]) : [];
  return (providers.find((p) => p.alias === undefined)?.region as string | undefined) ?? "us-east-1";
}

/**
 * Crafts a state in `dir` (a copy of the base stack folder, initialized) in which the base plans no
 * change. Returns the number of plans it took and the addresses that still change (a value the
 * provider plans anew each time), which the judge leaves out.
 */
export async function craftState(
  t: TerraformEnv,
  dir: string,
  base: Obj,
  schema: ProviderSchema,
): Promise<{ plans: number; unsettled: string[]; why: Record<string, string[]> }> {
  const region = regionOf(base);
  const known = knownValues(region);
  writeDoc(dir, base, t.awsVersion, new Set());
  const stateFile = path.join(dir, "terraform.tfstate");
  fs.rmSync(stateFile, { force: true });
  const state = new Map<
    string,
    { type: string; name: string; provider: string; attributes: Json; sensitive: Json[] }
  >();
  const blockOf = (type: string, name: string): Obj => {
    const r = isObj(base.resource) && isObj(base.resource[type]) ? (base.resource[type] as Obj)[name] : undefined;
    return isObj(r) ? r : {};
  };
  const write = () => {
    const resources = [...state.values()].map((r) => ({
      mode: "managed",
      type: r.type,
      name: r.name,
      provider: r.provider,
      instances: [
        {
          schema_version: schema.resource_schemas?.[r.type]?.version ?? 0,
          attributes: r.attributes,
          sensitive_attributes: r.sensitive,
          dependencies: [],
        },
      ],
    }));
    fs.writeFileSync(
      stateFile,
      JSON.stringify({
        version: 4,
        terraform_version: "1.11.4",
        serial: 1,
        lineage: "mwaa-review-judge",
        outputs: {},
        resources,
      }),
    );
  };
  let unsettled: string[] = [];
  let why: Record<string, string[]> = {};
  for (let round = 1; round <= 8; round++) {
    const plan = await planJson(t, dir, `the base (round ${round})`);
    const pending = (plan.resource_changes ?? []).filter(
      (c) => c.mode === "managed" && !c.change.actions.every((a) => a === "no-op"),
    );
    unsettled = pending.map((c) => c.address);
    why = Object.fromEntries(pending.map((c) => [c.address, [c.change.actions.join(","), ...changedKeys(c.change)]]));
    if (pending.length === 0) return { plans: round, unsettled: [], why: {} };
    for (const c of pending) {
      if (c.index !== undefined)
        throw new Error(`${c.address}: count/for_each instances are not supported by the state crafter`);
      const alias = blockOf(c.type, c.name).provider;
      const provider =
        typeof alias === "string" && alias.includes(".") ? `${PROVIDER}.${alias.split(".")[1]}` : PROVIDER;
      const prior = state.get(c.address)?.attributes;
      const attributes = fill(
        c.change.after ?? {},
        c.change.after_unknown,
        prior,
        schema.resource_schemas?.[c.type]?.block,
        { address: c.address, region, type: c.type, known: known[c.type] ?? {} },
      );
      state.set(c.address, {
        type: c.type,
        name: c.name,
        provider,
        attributes,
        sensitive: sensitivePaths(c.change.after_sensitive),
      });
    }
    write();
  }
  return { plans: 8, unsettled, why };
}

/**
 * The sensitive paths of a planned value (`after_sensitive` of `terraform show -json`) in the state's
 * form (version 4 `sensitive_attributes`: lists of `get_attr`/`index` steps, hashicorp/terraform
 * internal/states/statefile/version4.go marshalPaths). Without them a sensitive attribute (MWAA's
 * `airflow_configuration_options`, ACM's `private_key`) plans an update for ever: Terraform plans
 * Update when only the marks differ (internal/terraform/node_resource_abstract_instance.go,
 * `action == plans.NoOp && !valueMarksEqual(plannedNewVal, priorVal)`).
 */
export function sensitivePaths(marks: Json | undefined, at: Json[] = []): Json[] {
  if (marks === true) return [at];
  // An index step's key is a typed cty JSON value (marshalPaths: ctyjson.Marshal(key, cty.DynamicPseudoType)).
  if (Array.isArray(marks))
    return marks.flatMap((m, i) => sensitivePaths(m, [...at, { type: "index", value: { value: i, type: "number" } }]));
  if (isObj(marks))
    return Object.entries(marks).flatMap(([k, m]) => sensitivePaths(m, [...at, { type: "get_attr", value: k }]));
  return [];
}

/** The top-level attributes a planned change changes (before vs after, or unknown after), for saying why an address does not settle. */
function changedKeys(change: { before?: Json; after?: Json; after_unknown?: Json }): string[] {
  const before = isObj(change.before) ? change.before : {};
  const after = isObj(change.after) ? change.after : {};
  const unknown = isObj(change.after_unknown) ? change.after_unknown : {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter(
      (k) =>
        JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null) ||
        JSON.stringify(unknown[k] ?? false).includes("true"),
    )
    .map(
      (k) =>
        `${k}: ${JSON.stringify(before[k] ?? null).slice(0, 80)} -> ${JSON.stringify(unknown[k] ?? false).includes("true") ? "(known after apply)" : JSON.stringify(after[k] ?? null).slice(0, 80)}`,
    );
}

/** Plans `head` against the crafted state in `dir`, re-planning while more local data sources turn out deferred. */
export async function planHead(t: TerraformEnv, dir: string, head: Obj): Promise<SimulatedPlan> {
  const data = isObj(head.data) ? head.data : {};
  const deferred = new Set<string>();
  for (let round = 0; round < 5; round++) {
    writeDoc(dir, head, t.awsVersion, deferred);
    const plan = await planJson(t, dir, "the head");
    const changed = new Set(
      (plan.resource_changes ?? [])
        .filter((c) => c.mode === "managed" && !c.change.actions.every((a) => a === "no-op"))
        .map((c) => c.address),
    );
    const before = deferred.size;
    for (const [type, byName] of Object.entries(data)) {
      if (LOCAL_DATA.has(type) || !isObj(byName)) continue;
      for (const [name, block] of Object.entries(byName))
        if (managedReferences(block).some((a) => changed.has(a))) deferred.add(`data.${type}.${name}`);
    }
    if (deferred.size === before) {
      const changes = (plan.resource_changes ?? []).map((c) => ({
        address: c.address,
        mode: c.mode,
        actions: c.change.actions,
        replacePaths: c.change.replace_paths,
        actionReason: c.action_reason,
        unknown: isObj(c.change.after_unknown)
          ? Object.entries(c.change.after_unknown)
              .filter(([, v]) => JSON.stringify(v).includes("true"))
              .map(([k]) => k)
          : [],
      }));
      return { changes, deferredLocals: [...deferred].sort() };
    }
  }
  throw new Error("the deferred data sources did not settle in 5 plans");
}
