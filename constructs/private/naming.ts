/** Pure naming and address helpers shared by the constructs. */

/** "airflow.api" -> "AirflowApi": a stable construct id per endpoint service. */
export function pascalId(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
}

/** Tags with a Name, the global tags first so a per-resource Name wins. */
export function withName(tags: Readonly<Record<string, string>>, name: string): Record<string, string> {
  return { ...tags, Name: name };
}

/**
 * Splits an IPv4 CIDR into the two private and two public subnets of a created VPC:
 * private subnets take a quarter each, public subnets a sixteenth each from the third quarter.
 */
export function subnetCidrs(cidr: string): { private: [string, string]; public: [string, string] } {
  const [base, bits] = cidr.split("/");
  const prefix = Number(bits);
  const start = base.split(".").reduce((n, octet) => n * 256 + Number(octet), 0) >>> 0;
  const size = 2 ** (32 - prefix);
  const network = start - (start % size);
  const block = (offset: number, newPrefix: number) => `${toIp(network + offset)}/${newPrefix}`;
  const quarter = size / 4;
  const sixteenth = size / 16;
  return {
    private: [block(0, prefix + 2), block(quarter, prefix + 2)],
    public: [block(2 * quarter, prefix + 4), block(2 * quarter + sixteenth, prefix + 4)],
  };
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}

/** Log group MWAA writes a module's logs to. */
export function mwaaLogGroupName(environment: string, module: string): string {
  return `airflow-${environment}-${module}`;
}

/** A created bucket's name prefix: "airflow-<environment>-", within S3's 37-character prefix limit. */
export function bucketPrefix(environment: string): string {
  const cleaned = environment.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return `airflow-${cleaned}`.slice(0, 36).replace(/-+$/, "") + "-";
}

/** A 32-bit string hash in base 36 (at most 6 characters): two long names with the same start still differ. */
export function shortHash(text: string): string {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(36).slice(0, 6);
}

/**
 * A load balancer or target group name: "at most 32 characters, only alphanumeric characters or
 * hyphens, must not begin or end with a hyphen", and for a load balancer "must not begin with
 * internal-", unique per region and account (ELBv2 API reference, CreateLoadBalancer and
 * CreateTargetGroup, Name;
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html).
 * A valid name is kept as it is; a longer one, or
 * one with other characters (an environment name may hold "_"), is cut and ends with a hash of the
 * whole name, so two environments never get the same name.
 */
export function elbName(full: string): string {
  if (full.length <= 32 && /^[A-Za-z0-9-]+$/.test(full) && !/^internal-/i.test(full)) return full;
  const hash = shortHash(full);
  // A load balancer's name "must not begin with internal-" (same API reference): such a name is
  // kept without that prefix, and the hash of the whole name keeps it unique.
  const base = full
    .replace(/[^A-Za-z0-9-]/g, "-")
    .replace(/^internal-+/i, "")
    .slice(0, 31 - hash.length)
    .replace(/-+$/, "");
  return `${base}-${hash}`;
}

/**
 * A Lambda function name "<environment>-<purpose>": "If you specify only the function name, it is
 * limited to 64 characters in length", letters, digits, hyphens and underscores (Lambda API
 * reference, CreateFunction, FunctionName;
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html). Environment names may be
 * up to 80 characters: a longer name cuts the environment part and adds a hash of the whole name,
 * so the purpose stays and two functions (or environments) never share a name. Short names stay
 * as they are.
 */
export function lambdaFunctionName(environment: string, purpose: string): string {
  const full = `${environment}-${purpose}`;
  if (full.length <= 64) return full;
  const hash = shortHash(full);
  return `${environment.slice(0, 64 - purpose.length - hash.length - 2)}-${hash}-${purpose}`;
}
