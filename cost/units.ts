/**
 * What a stack bills by the hour, counted from its synthesized Terraform JSON by resource type, so
 * that a resource another construct adds (an `aws_instance` access host, a NAT gateway) is counted
 * without a change here. Prices are Infracost's job (cost/infracost-usage.ts); these are the
 * units, so a reviewer sees "environment class mw1.small -> mw1.medium; +1 NAT gateway".
 */
import { ENVIRONMENT_CLASSES, type ClassLimits } from "../model/versions";

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type Body = { readonly [key: string]: Json };
/** The part of a `cdk.tf.json` read here. */
export interface StackJson {
  readonly resource?: { readonly [type: string]: { readonly [name: string]: Body } };
}

export interface EnvironmentUnits {
  /** `aws_mwaa_environment.<name>` */
  readonly address: string;
  readonly environmentClass: string;
  readonly schedulers: number;
  readonly minWorkers: number;
  readonly maxWorkers: number;
  readonly minWebservers: number;
  readonly maxWebservers: number;
}

export interface BillableUnits {
  readonly environments: readonly EnvironmentUnits[];
  /** Interface VPC endpoints: each is billed per hour in each subnet (AZ) it has. */
  readonly interfaceEndpoints: number;
  /** The sum of their subnets; undefined when a subnet list is only known at apply time. */
  readonly endpointAzs: number | undefined;
  readonly loadBalancers: number;
  readonly natGateways: number;
  /** `aws_instance`: the access host (Session Manager port forwarding) or any other instance. */
  readonly accessHosts: number;
}

// What MWAA uses when a stack leaves a count out (the app always sets them; a hand-written stack
// may not): class mw1.small (Infracost's own default, internal/providers/terraform/aws/
// mwaa_environment.go), workers 1 to 10 (hashicorp/aws aws_mwaa_environment docs, as published in
// pulumi_aws's mwaa.Environment), schedulers and web servers the class's default (MWAA API
// reference, MinWebservers: "Defaults to 2 ... except mw1.micro, which defaults to 1"; the same
// counts as model/versions.ts ENVIRONMENT_CLASSES).
const DEFAULT_CLASS = "mw1.small";
const DEFAULT_WORKERS = [1, 10] as const;

/** How many instances a block makes: its numeric `count`, else 1 (a `for_each` counts once). */
function instances(body: Body): number {
  return typeof body.count === "number" ? body.count : 1;
}

function ofType(stack: StackJson, type: string): [string, Body][] {
  return Object.entries(stack.resource?.[type] ?? {});
}

function total(stack: StackJson, type: string, keep: (body: Body) => boolean = () => true): number {
  return ofType(stack, type).reduce((n, [, body]) => n + (keep(body) ? instances(body) : 0), 0);
}

function num(v: Json | undefined, fallback: number): number {
  return typeof v === "number" ? v : fallback;
}

/** The billable units of one synthesized stack. */
export function billableUnits(stack: StackJson): BillableUnits {
  const environments = ofType(stack, "aws_mwaa_environment")
    .map(([name, body]): EnvironmentUnits => {
      const environmentClass = typeof body.environment_class === "string" ? body.environment_class : DEFAULT_CLASS;
      const limits =
        (ENVIRONMENT_CLASSES as Record<string, ClassLimits>)[environmentClass] ?? ENVIRONMENT_CLASSES[DEFAULT_CLASS];
      return {
        address: `aws_mwaa_environment.${name}`,
        environmentClass,
        schedulers: num(body.schedulers, limits.schedulers[0]),
        minWorkers: num(body.min_workers, DEFAULT_WORKERS[0]),
        maxWorkers: num(body.max_workers, Math.min(DEFAULT_WORKERS[1], limits.maxWorkers)),
        minWebservers: num(body.min_webservers, limits.webservers[0]),
        maxWebservers: num(body.max_webservers, limits.webservers[0]),
      };
    })
    .sort((a, b) => a.address.localeCompare(b.address));
  let endpointAzs: number | undefined = 0;
  let interfaceEndpoints = 0;
  for (const [, body] of ofType(stack, "aws_vpc_endpoint")) {
    if (body.vpc_endpoint_type !== "Interface") continue;
    interfaceEndpoints += instances(body);
    const subnets = body.subnet_ids;
    endpointAzs =
      Array.isArray(subnets) && endpointAzs !== undefined ? endpointAzs + subnets.length * instances(body) : undefined;
  }
  return {
    environments,
    interfaceEndpoints,
    endpointAzs,
    // `load_balancer_type` defaults to "application" (hashicorp/aws aws_lb).
    loadBalancers: total(
      stack,
      "aws_lb",
      (b) => b.load_balancer_type === undefined || b.load_balancer_type === "application",
    ),
    natGateways: total(stack, "aws_nat_gateway"),
    accessHosts: total(stack, "aws_instance"),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const range = (min: number, max: number) => (min === max ? `${min}` : `${min}-${max}`);

function environmentText(e: EnvironmentUnits): string {
  return `${e.environmentClass}, ${plural(e.schedulers, "scheduler")}, ${range(e.minWorkers, e.maxWorkers)} workers, ${range(e.minWebservers, e.maxWebservers)} web servers`;
}

/** One line: "mw1.small, 2 schedulers, 1-5 workers, 2 web servers; 22 endpoint-AZs (11 interface endpoints); 1 ALB; 0 NAT gateways; 0 access hosts". */
export function unitsLine(u: BillableUnits): string {
  const parts = [
    ...u.environments.map((e) =>
      u.environments.length > 1 ? `${e.address}: ${environmentText(e)}` : environmentText(e),
    ),
    `${u.endpointAzs === undefined ? "?" : u.endpointAzs} endpoint-AZs (${plural(u.interfaceEndpoints, "interface endpoint")})`,
    plural(u.loadBalancers, "ALB"),
    plural(u.natGateways, "NAT gateway"),
    plural(u.accessHosts, "access host"),
  ];
  if (u.environments.length === 0) parts.unshift("no MWAA environment");
  return parts.join("; ");
}

const EMPTY: BillableUnits = {
  environments: [],
  interfaceEndpoints: 0,
  endpointAzs: 0,
  loadBalancers: 0,
  natGateways: 0,
  accessHosts: 0,
};

function signed(n: number, one: string, many = `${one}s`): string {
  return `${n > 0 ? "+" : "-"}${plural(Math.abs(n), one, many)}`;
}

/**
 * How a change moves the units, e.g. "environment class mw1.small -> mw1.medium; +1 NAT gateway;
 * +22 endpoint-AZ hours". Empty when nothing billable changes. An undefined side is a stack that
 * does not exist there (added or removed).
 */
export function unitChanges(before: BillableUnits | undefined, after: BillableUnits | undefined): string[] {
  const b = before ?? EMPTY;
  const a = after ?? EMPTY;
  const out: string[] = [];
  const beforeEnvs = new Map(b.environments.map((e) => [e.address, e]));
  const afterEnvs = new Map(a.environments.map((e) => [e.address, e]));
  const several = new Set([...beforeEnvs.keys(), ...afterEnvs.keys()]).size > 1;
  const who = (e: EnvironmentUnits) => (several ? ` (${e.address})` : "");
  for (const [address, x] of beforeEnvs)
    if (!afterEnvs.has(address)) out.push(`-1 MWAA environment${several ? ` ${address}` : ""} (${environmentText(x)})`);
  for (const [address, y] of afterEnvs) {
    const x = beforeEnvs.get(address);
    if (x === undefined) {
      out.push(`+1 MWAA environment${several ? ` ${address}` : ""} (${environmentText(y)})`);
      continue;
    }
    if (x.environmentClass !== y.environmentClass)
      out.push(`environment class ${x.environmentClass} -> ${y.environmentClass}${who(y)}`);
    if (x.schedulers !== y.schedulers) out.push(`schedulers ${x.schedulers} -> ${y.schedulers}${who(y)}`);
    if (x.minWorkers !== y.minWorkers || x.maxWorkers !== y.maxWorkers)
      out.push(`workers ${range(x.minWorkers, x.maxWorkers)} -> ${range(y.minWorkers, y.maxWorkers)}${who(y)}`);
    if (x.minWebservers !== y.minWebservers || x.maxWebservers !== y.maxWebservers)
      out.push(
        `web servers ${range(x.minWebservers, x.maxWebservers)} -> ${range(y.minWebservers, y.maxWebservers)}${who(y)}`,
      );
  }
  if (b.endpointAzs === undefined || a.endpointAzs === undefined) {
    if (b.interfaceEndpoints !== a.interfaceEndpoints)
      out.push(
        `${signed(a.interfaceEndpoints - b.interfaceEndpoints, "interface endpoint")} (endpoint-AZs known at apply time)`,
      );
  } else if (a.endpointAzs !== b.endpointAzs) out.push(`${signed(a.endpointAzs - b.endpointAzs, "endpoint-AZ hour")}`);
  if (a.loadBalancers !== b.loadBalancers) out.push(signed(a.loadBalancers - b.loadBalancers, "ALB"));
  if (a.natGateways !== b.natGateways) out.push(signed(a.natGateways - b.natGateways, "NAT gateway"));
  if (a.accessHosts !== b.accessHosts) out.push(signed(a.accessHosts - b.accessHosts, "access host"));
  return out;
}
