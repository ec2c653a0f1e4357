/**
 * The `terraform test` file that plans and applies one synthesized stack with mocked values: one
 * `mock_provider "aws"` per provider configuration (aliases included), `override_data` for every
 * `terraform_remote_state`, and mock values where the default ones (random strings, empty lists)
 * would trip the configuration: ARNs that the provider validates, lists the stack indexes.
 *
 * Terraform's mocks: https://developer.hashicorp.com/terraform/language/tests/mocking
 * (mock_provider with alias, mock_resource/mock_data `defaults` for computed attributes only,
 * override_data with `target` and `values`; Terraform >= 1.7).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The part of `terraform providers schema -json` (one provider) the mocks read. */
export interface ProviderSchema {
  readonly resource_schemas?: Readonly<Record<string, { readonly version?: number; readonly block: SchemaBlock }>>;
  readonly data_source_schemas?: Readonly<Record<string, { readonly block: SchemaBlock }>>;
}

export interface SchemaBlock {
  readonly attributes?: Readonly<
    Record<
      string,
      { readonly type?: Json; readonly computed?: boolean; readonly optional?: boolean; readonly required?: boolean }
    >
  >;
  readonly block_types?: Readonly<Record<string, { readonly nesting_mode?: string; readonly block: SchemaBlock }>>;
}

/** A synthesized stack (cdk.tf.json), as far as the mocks read it. */
export interface StackDocument {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly provider?: { readonly aws?: readonly { readonly alias?: string; readonly region?: string }[] };
}

const ACCOUNT = "123456789012";

/**
 * Values a stack needs in the shape AWS gives them, where a random string or an empty list would
 * fail: lists the stack indexes (`element(names, 1)`, one ENI per subnet), documents it parses.
 * Only attributes the provider computes are used (Terraform rejects mock values for others).
 */
export function knownValues(region: string): Record<string, Record<string, Json>> {
  const zones = ["a", "b", "c"].map((z) => `${region}${z}`);
  return {
    aws_vpc_endpoint: {
      network_interface_ids: Array.from({ length: 6 }, (_, i) => `eni-0000000000000000${i + 1}`),
      dns_entry: [{ dns_name: `vpce-mock.${region}.vpce.amazonaws.com`, hosted_zone_id: "Z0000000000000000000A" }],
    },
    aws_acm_certificate: {
      domain_validation_options: [
        {
          domain_name: "mock.example.com",
          resource_record_name: "_mock.mock.example.com.",
          resource_record_type: "CNAME",
          resource_record_value: "_mock.acm-validations.aws.",
        },
      ],
    },
    aws_lb: { dns_name: `mock-alb.${region}.elb.amazonaws.com`, zone_id: "Z32O12XQLNTSW2" },
    data_aws_availability_zones: { names: zones, zone_ids: zones.map((_, i) => `mock-az${i + 1}`) },
    data_aws_iam_policy_document: {
      json: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
      minified_json: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
    },
    data_aws_network_interface: { private_ip: "10.0.1.10", private_ips: ["10.0.1.10"] },
    data_aws_caller_identity: { account_id: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/mock`, user_id: "AIDAMOCK" },
    data_aws_partition: { partition: "aws", dns_suffix: "amazonaws.com", reverse_dns_prefix: "com.amazonaws" },
    data_aws_region: { name: region, region },
    data_aws_route53_zone: { zone_id: "Z0000000000000000000B", name: "example.com" },
    data_aws_vpc: { cidr_block: "10.0.0.0/16" },
  };
}

/** Mock values for one type: the known values and an ARN for every computed `arn`/`*_arn` string. */
function defaultsFor(
  type: string,
  mode: "resource" | "data",
  schema: SchemaBlock | undefined,
  region: string,
): Record<string, Json> {
  const out: Record<string, Json> = {};
  const attributes = schema?.attributes ?? {};
  for (const [name, attr] of Object.entries(attributes)) {
    if (attr.computed !== true || attr.type !== "string") continue;
    if (name === "arn" || name.endsWith("_arn"))
      out[name] = `arn:aws:${type.split("_")[1] ?? "mock"}:${region}:${ACCOUNT}:mock/${type}/${name}`;
  }
  const known = knownValues(region)[`${mode === "data" ? "data_" : ""}${type}`] ?? {};
  for (const [name, value] of Object.entries(known)) if (attributes[name]?.computed === true) out[name] = value;
  return out;
}

/** An HCL value from JSON (HCL's object and tuple syntax accepts JSON); `${` is escaped. */
function hcl(value: Json): string {
  return JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}

/** The outputs a consuming stack reads from `terraform_remote_state.<name>`, with mock values. */
export function remoteStateOutputs(docText: string, name: string, region: string): Record<string, Json> {
  const outputs: Record<string, Json> = {};
  const pattern = new RegExp(
    `terraform_remote_state\\.${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.outputs\\.([A-Za-z0-9_]+)`,
    "g",
  );
  for (const m of docText.matchAll(pattern)) {
    const key = m[1] as string;
    outputs[key] = key.endsWith("_arn")
      ? `arn:aws:mock:${region}:${ACCOUNT}:mock/${key}`
      : key.includes("security_group")
        ? "sg-0123456789abcdef0"
        : key.endsWith("vpc_endpoint_service")
          ? `com.amazonaws.vpce.${region}.vpce-svc-0123456789abcdef0`
          : `mock-${key}`;
  }
  return outputs;
}

/** The test file for one stack: mocks for every provider configuration, then a run that plans and applies. */
export function mockedTestFile(doc: StackDocument, schema: ProviderSchema): string {
  const providers = doc.provider?.aws ?? [{}];
  const region = providers.find((p) => p.alias === undefined)?.region ?? providers[0]?.region ?? "us-east-1";
  const lines: string[] = [
    "# Generated by terraform-check/validate.ts: a plan and an apply with mocked values, no AWS credentials.",
    "",
  ];
  const mocks: string[] = [];
  for (const type of Object.keys(doc.resource ?? {}).sort()) {
    const defaults = defaultsFor(type, "resource", schema.resource_schemas?.[type]?.block, region);
    if (Object.keys(defaults).length > 0)
      mocks.push(`  mock_resource "${type}" {`, `    defaults = ${hcl(defaults)}`, "  }");
  }
  for (const type of Object.keys(doc.data ?? {}).sort()) {
    if (type === "terraform_remote_state") continue;
    const defaults = defaultsFor(type, "data", schema.data_source_schemas?.[type]?.block, region);
    if (Object.keys(defaults).length > 0)
      mocks.push(`  mock_data "${type}" {`, `    defaults = ${hcl(defaults)}`, "  }");
  }
  for (const p of providers) {
    lines.push(`mock_provider "aws" {`);
    if (p.alias !== undefined) lines.push(`  alias = "${p.alias}"`);
    lines.push(...mocks, "}", "");
  }
  const text = JSON.stringify(doc);
  for (const name of Object.keys(doc.data?.terraform_remote_state ?? {}).sort()) {
    lines.push(
      "override_data {",
      `  target = data.terraform_remote_state.${name}`,
      `  values = ${hcl({ outputs: remoteStateOutputs(text, name, region) })}`,
      "}",
      "",
    );
  }
  // An apply run plans first, then applies: one run does both (and the teardown destroys).
  lines.push('run "plan_and_apply" {', "  command = apply", "}", "");
  return lines.join("\n");
}
