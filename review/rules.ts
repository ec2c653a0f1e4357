/**
 * What Terraform does with a changed attribute, per resource type: the one table the review reads.
 *
 * Sources: hashicorp/terraform-provider-aws (the provider behind @cdktf/provider-aws 21.x =
 * hashicorp/aws 6.25.0), the `ForceNew: true` schema fields, `RequiresReplace()` plan modifiers and
 * `CustomizeDiff` functions of the file named in each rule. The arguments each type has in 6.25.0
 * come from the generated bindings (./arguments.ts); an attribute 6.25.0 does not have, a type
 * without a rule, and an argument a rule lists as `unverified` are "not known to this review:
 * check the plan", never an update. Re-check the table on every provider upgrade; known changes:
 * - 6.28: `aws_vpc_endpoint.private_dns_enabled` forces replacement, and `dns_options.private_dns_preference`
 *   and `dns_options.private_dns_specified_domains` arrive, also ForceNew (hashicorp/terraform-provider-aws
 *   PR #45679; issue #46776 for the replacement, PR #46800 makes Interface endpoints in place again).
 * - `aws_route53_record.type` forces replacement in 6.x up to the fix of PR #47105 (issue #43500);
 *   from then on it is updated in place.
 *
 * Paths are attribute paths in the synthesized JSON with nested blocks joined by "." and list
 * indexes left out (`network_configuration.subnet_ids`), which is how cdktf writes single blocks.
 */

import { PROVIDER_ARGUMENTS, PROVIDER_ARGUMENTS_VERSION } from "./arguments";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A rule: these attribute paths force a new resource when their value changes. */
export interface ReplaceRule {
  /** Paths whose change always replaces the resource. */
  readonly forceNew: readonly string[];
  /** Paths that replace only when `when(before, after)` holds (a provider CustomizeDiff). */
  readonly forceNewIf?: Readonly<
    Record<
      string,
      { readonly when: (before: Json | undefined, after: Json | undefined) => boolean; readonly why: string }
    >
  >;
  /**
   * Arguments of 6.25.0 whose behaviour the file read for this rule does not show (added after
   * that revision): a change is "not known to this review". @default - none
   */
  readonly unverified?: readonly string[];
  /**
   * Paths whose replacement a provider CustomizeDiff decides by asking AWS, with how: a change is
   * "not known to this review". @default - none
   */
  readonly askAws?: Readonly<Record<string, string>>;
  /** A replacement decided on the whole block (a provider ModifyPlan); the reason when it applies. */
  readonly forceNewWhole?: (
    before: { readonly [key: string]: Json },
    after: { readonly [key: string]: Json },
  ) => string | undefined;
  /** Where the rule comes from. */
  readonly source: string;
}

/** Security group rules: ModifyPlan replaces the rule when its kind of source changes. */
const SOURCE_KINDS = ["cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"] as const;
function sourceKindChange(
  before: { readonly [key: string]: Json },
  after: { readonly [key: string]: Json },
): string | undefined {
  const kind = (b: { readonly [key: string]: Json }) => SOURCE_KINDS.find((k) => b[k] !== undefined && b[k] !== null);
  const [b, a] = [kind(before), kind(after)];
  return b !== a ? `its source changes kind (\`${b ?? "none"}\` to \`${a ?? "none"}\`)` : undefined;
}

/** aws_instance ebs_block_device fields that are ForceNew (every one but tags and tags_all). */
const EBS_BLOCK_DEVICE_FORCE_NEW = [
  "delete_on_termination",
  "device_name",
  "encrypted",
  "iops",
  "kms_key_id",
  "snapshot_id",
  "throughput",
  "volume_size",
  "volume_type",
] as const;

/** A block as written by cdktf (an object, a list of objects, or absent) as a list. */
const blocksOf = (v: Json | undefined): Json[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/**
 * aws_instance replacements the attribute paths cannot show: customdiff.ForceNewIf on user_data and
 * user_data_base64 while user_data_replace_on_change (its new value) is true, and an EBS volume
 * added or removed (a new ebs_block_device set element has ForceNew fields).
 */
function instanceWholeChange(
  before: { readonly [key: string]: Json },
  after: { readonly [key: string]: Json },
): string | undefined {
  const changed = (k: string) => JSON.stringify(before[k]) !== JSON.stringify(after[k]);
  if (after.user_data_replace_on_change === true && (changed("user_data") || changed("user_data_base64")))
    return "its user data changes while `user_data_replace_on_change` is true";
  if (blocksOf(before.ebs_block_device).length !== blocksOf(after.ebs_block_device).length)
    return "an `ebs_block_device` is added or removed";
  return undefined;
}

const PROVIDER = "hashicorp/terraform-provider-aws";

/** The major version of "2.10.3", or undefined for anything that is not a plain version. */
export function majorVersion(v: Json | undefined): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^(\d+)(\.\d+)*$/.exec(v);
  return m === null ? undefined : Number(m[1]);
}

export const REPLACE_RULES: Readonly<Record<string, ReplaceRule>> = {
  aws_mwaa_environment: {
    // `network_configuration.security_group_ids` is updatable (UpdateNetworkConfigurationInput
    // carries only security groups); every other attribute goes through UpdateEnvironment, and a
    // change of tags alone skips it (HasChangesExcept(tags, tags_all)).
    forceNew: ["name", "kms_key", "endpoint_management", "network_configuration.subnet_ids"],
    forceNewIf: {
      airflow_version: {
        // customdiff.ForceNewIf("airflow_version", ...): old major < new major.
        when: (before, after) => {
          const b = majorVersion(before);
          const a = majorVersion(after);
          return b !== undefined && a !== undefined && a > b;
        },
        why: "a major Airflow version upgrade; from the latest 2.11.x MWAA makes it in place: set airflow.majorUpgradeInPlace (Terraform then ignores airflow_version) and run `npm run upgrade` (docs/upgrades.md)",
      },
    },
    source: `${PROVIDER} internal/service/mwaa/environment.go (ForceNew: name, kms_key, endpoint_management, network_configuration.subnet_ids; CustomizeDiff ForceNewIf airflow_version major up)`,
  },
  aws_s3_bucket: {
    forceNew: ["bucket", "bucket_prefix", "object_lock_enabled"],
    source: `${PROVIDER} internal/service/s3/bucket.go`,
  },
  aws_s3_bucket_ownership_controls: {
    forceNew: ["bucket"],
    source: `${PROVIDER} internal/service/s3/bucket_ownership_controls.go`,
  },
  aws_s3_bucket_policy: {
    forceNew: ["bucket"],
    source: `${PROVIDER} internal/service/s3/bucket_policy.go`,
  },
  aws_s3_bucket_public_access_block: {
    forceNew: ["bucket"],
    source: `${PROVIDER} internal/service/s3/bucket_public_access_block.go`,
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    forceNew: ["bucket", "expected_bucket_owner"],
    source: `${PROVIDER} internal/service/s3/bucket_server_side_encryption_configuration.go`,
  },
  aws_s3_bucket_versioning: {
    forceNew: ["bucket", "expected_bucket_owner"],
    source: `${PROVIDER} internal/service/s3/bucket_versioning.go`,
  },
  aws_s3_object: {
    forceNew: ["bucket", "key"],
    source: `${PROVIDER} internal/service/s3/object.go`,
  },
  aws_vpc: {
    forceNew: ["cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"],
    source: `${PROVIDER} internal/service/ec2/vpc_.go`,
  },
  aws_subnet: {
    // The IPAM pool arguments (ipv4_ipam_pool_id, ipv4_netmask_length) came after 6.25.0.
    forceNew: ["cidr_block", "availability_zone", "availability_zone_id", "vpc_id", "ipv6_native", "outpost_arn"],
    source: `${PROVIDER} internal/service/ec2/vpc_subnet.go`,
  },
  aws_internet_gateway: {
    // vpc_id is changed in place (detach, then attach).
    forceNew: [],
    source: `${PROVIDER} internal/service/ec2/vpc_internet_gateway.go`,
  },
  aws_eip: {
    forceNew: ["address", "domain", "ipam_pool_id", "network_border_group", "public_ipv4_pool"],
    source: `${PROVIDER} internal/service/ec2/ec2_eip.go`,
  },
  aws_nat_gateway: {
    forceNew: ["allocation_id", "connectivity_type", "private_ip", "secondary_private_ip_address_count", "subnet_id"],
    // Regional NAT gateway arguments, newer than the revision read.
    unverified: ["availability_mode", "availability_zone_address", "vpc_id"],
    source: `${PROVIDER} internal/service/ec2/vpc_nat_gateway.go`,
  },
  aws_vpc_endpoint: {
    // 6.25.0 has no dns_options.private_dns_preference / private_dns_specified_domains, and
    // private_dns_enabled is updated in place; from 6.28 it forces replacement (see the header).
    forceNew: [
      "vpc_id",
      "service_name",
      "vpc_endpoint_type",
      "service_region",
      "resource_configuration_arn",
      "service_network_arn",
    ],
    source: `${PROVIDER} internal/service/ec2/vpc_endpoint.go`,
  },
  aws_security_group: {
    forceNew: ["name", "name_prefix", "description", "vpc_id"],
    source: `${PROVIDER} internal/service/ec2/vpc_security_group.go`,
  },
  aws_vpc_security_group_ingress_rule: {
    // Framework resource: only security_group_id has RequiresReplace(); the others are changed with
    // ModifySecurityGroupRules, except a change of source kind (cidr_ipv4 -> referenced_security_group_id,
    // ...), which ModifyPlan turns into a replacement.
    forceNew: ["security_group_id"],
    forceNewWhole: sourceKindChange,
    source: `${PROVIDER} internal/service/ec2/vpc_security_group_ingress_rule.go`,
  },
  aws_vpc_security_group_egress_rule: {
    forceNew: ["security_group_id"],
    forceNewWhole: sourceKindChange,
    source: `${PROVIDER} internal/service/ec2/vpc_security_group_egress_rule.go (the schema of vpc_security_group_ingress_rule.go)`,
  },
  aws_iam_role: {
    forceNew: ["name", "name_prefix", "path"],
    source: `${PROVIDER} internal/service/iam/role.go`,
  },
  aws_iam_role_policy: {
    forceNew: ["name", "name_prefix", "role"],
    source: `${PROVIDER} internal/service/iam/role_policy.go`,
  },
  aws_lb: {
    forceNew: ["name", "name_prefix", "internal", "load_balancer_type", "customer_owned_ipv4_pool"],
    source: `${PROVIDER} internal/service/elbv2/load_balancer.go`,
  },
  aws_lb_target_group: {
    forceNew: [
      "name",
      "name_prefix",
      "port",
      "protocol",
      "protocol_version",
      "target_type",
      "vpc_id",
      "ip_address_type",
    ],
    source: `${PROVIDER} internal/service/elbv2/target_group.go`,
  },
  aws_lb_target_group_attachment: {
    forceNew: ["target_group_arn", "target_id", "port", "availability_zone"],
    source: `${PROVIDER} internal/service/elbv2/target_group_attachment.go`,
  },
  aws_lb_listener: {
    forceNew: ["load_balancer_arn"],
    source: `${PROVIDER} internal/service/elbv2/listener.go`,
  },
  aws_lb_listener_certificate: {
    // No update function: every argument replaces it.
    forceNew: ["certificate_arn", "listener_arn"],
    source: `${PROVIDER} internal/service/elbv2/listener_certificate.go`,
  },
  aws_lb_listener_rule: {
    // A replaced listener (as with a replaced load balancer) replaces its rules through listener_arn.
    forceNew: ["listener_arn"],
    source: `${PROVIDER} internal/service/elbv2/listener_rule.go`,
  },
  aws_acm_certificate: {
    forceNew: [
      "domain_name",
      "validation_method",
      "subject_alternative_names",
      "key_algorithm",
      "certificate_authority_arn",
      "validation_option",
    ],
    source: `${PROVIDER} internal/service/acm/certificate.go`,
  },
  aws_acm_certificate_validation: {
    forceNew: ["certificate_arn", "validation_record_fqdns"],
    source: `${PROVIDER} internal/service/acm/certificate_validation.go`,
  },
  aws_cloudwatch_log_group: {
    forceNew: ["name", "name_prefix", "log_group_class"],
    source: `${PROVIDER} internal/service/logs/group.go`,
  },
  aws_lambda_function: {
    forceNew: ["function_name", "package_type", "tenancy_config"],
    source: `${PROVIDER} internal/service/lambda/function.go`,
  },
  aws_lambda_invocation: {
    forceNew: ["function_name", "qualifier", "triggers"],
    source: `${PROVIDER} internal/service/lambda/invocation.go`,
  },
  aws_secretsmanager_secret: {
    forceNew: [],
    unverified: ["name", "name_prefix", "kms_key_id", "description", "recovery_window_in_days"],
    source: `${PROVIDER} internal/service/secretsmanager/secret.go`,
  },
  aws_s3_bucket_lifecycle_configuration: {
    forceNew: [],
    unverified: ["bucket", "expected_bucket_owner", "rule"],
    source: `${PROVIDER} internal/service/s3/bucket_lifecycle_configuration.go`,
  },
  aws_lambda_function_event_invoke_config: {
    forceNew: ["function_name", "qualifier"],
    source: `${PROVIDER} internal/service/lambda/function_event_invoke_config.go`,
  },
  aws_lambda_permission: {
    forceNew: [
      "action",
      "event_source_token",
      "function_name",
      "function_url_auth_type",
      "principal",
      "principal_org_id",
      "source_arn",
      "source_account",
      "statement_id",
      "statement_id_prefix",
      "qualifier",
    ],
    source: `${PROVIDER} internal/service/lambda/permission.go`,
  },
  aws_route53_record: {
    // `type` forces replacement in 6.25 (issue #43500, fixed by PR #47105 in a later 6.x).
    forceNew: ["name", "zone_id", "type"],
    source: `${PROVIDER} internal/service/route53/record.go`,
  },
  aws_route_table: {
    forceNew: ["vpc_id"],
    source: `${PROVIDER} internal/service/ec2/vpc_route_table.go`,
  },
  aws_route_table_association: {
    forceNew: ["subnet_id", "gateway_id"],
    source: `${PROVIDER} internal/service/ec2/vpc_route_table_association.go`,
  },
  aws_route: {
    forceNew: ["route_table_id", "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"],
    source: `${PROVIDER} internal/service/ec2/vpc_route.go`,
  },
  aws_cloudwatch_event_rule: {
    forceNew: ["name", "name_prefix", "event_bus_name"],
    source: `${PROVIDER} internal/service/events/rule.go`,
  },
  aws_cloudwatch_event_target: {
    // target_id_prefix came after 6.25.0.
    forceNew: ["rule", "target_id", "event_bus_name"],
    source: `${PROVIDER} internal/service/events/target.go`,
  },
  aws_cloudwatch_metric_alarm: {
    forceNew: ["alarm_name"],
    source: `${PROVIDER} internal/service/cloudwatch/metric_alarm.go`,
  },
  aws_cloudwatch_composite_alarm: {
    // Read from the stored composite_alarm.go at commit 050ac111 (alarm_name, actions_enabled ForceNew).
    forceNew: ["alarm_name", "actions_enabled"],
    // actions_suppressor is newer than the revision of composite_alarm.go read for this rule.
    unverified: ["actions_suppressor"],
    source: `${PROVIDER} internal/service/cloudwatch/composite_alarm.go`,
  },
  aws_cloudwatch_dashboard: {
    forceNew: ["dashboard_name"],
    source: `${PROVIDER} internal/service/cloudwatch/dashboard.go`,
  },
  aws_ec2_transit_gateway_vpc_attachment: {
    // subnet_ids and the *_support options go through ModifyTransitGatewayVpcAttachment, the default
    // route table flags through association/propagation calls. Read at commits 08923b68 and f1750b86
    // and at the stored aws-sdk-go-v2 revision (same ForceNew set in all three), none of them v6.25.0.
    forceNew: ["transit_gateway_id", "vpc_id"],
    // Newer than every revision read.
    unverified: ["security_group_referencing_support"],
    source: `${PROVIDER} internal/service/ec2/transitgateway_vpc_attachment.go (ForceNew: transit_gateway_id, vpc_id; read at 08923b68, f1750b86 and a later aws-sdk-go-v2 revision, not v6.25.0)`,
  },
  aws_iam_instance_profile: {
    // role is swapped in place (RemoveRoleFromInstanceProfile, AddRoleToInstanceProfile). The same in
    // the revision at commit cda04ab9 and in the one at 013f1736, which is newer than 6.25.0.
    forceNew: ["name", "name_prefix", "path"],
    source: `${PROVIDER} internal/service/iam/instance_profile.go (ForceNew: name, name_prefix, path; read at cda04ab9 and 013f1736, not v6.25.0)`,
  },
  aws_iam_role_policy_attachment: {
    // No update function: both arguments are ForceNew in every revision read (04c79849, 81ae62fe and
    // three later ones, one marked @Testing(preIdentityVersion="6.0.0")).
    forceNew: ["policy_arn", "role"],
    source: `${PROVIDER} internal/service/iam/role_policy_attachment.go (ForceNew: policy_arn, role; read at 04c79849, 81ae62fe and later 6.x revisions, not v6.25.0)`,
  },
  aws_instance: {
    // Read from the newest stored ec2_instance.go, a 5.x revision (aws-sdk-go-v2, cpu_core_count still
    // there, no enable_primary_ipv6), not v6.25.0. In place through resourceInstanceUpdate:
    // iam_instance_profile, vpc_security_group_ids, metadata_options, root_block_device size, type,
    // iops, throughput and delete_on_termination, monitoring, credit_specification, instance_type and
    // user_data (with a stop and start), and the rest not listed here.
    forceNew: [
      "ami",
      "associate_public_ip_address",
      "availability_zone",
      "ebs_optimized",
      "ephemeral_block_device",
      "hibernation",
      "host_id",
      "instance_market_options",
      "ipv6_addresses",
      "key_name",
      "placement_group",
      "placement_partition_number",
      "private_ip",
      "security_groups",
      "subnet_id",
      "tenancy",
      "root_block_device.encrypted",
      "root_block_device.kms_key_id",
      ...EBS_BLOCK_DEVICE_FORCE_NEW.map((a) => `ebs_block_device.${a}`),
      "cpu_options.amd_sev_snp",
      "cpu_options.core_count",
      "cpu_options.threads_per_core",
      "enclave_options.enabled",
      "launch_template.id",
      "launch_template.name",
      // Every field of an attached interface is ForceNew.
      "network_interface",
    ],
    forceNewIf: {
      // The launch_template block itself is ForceNew: adding or removing it replaces the instance.
      launch_template: {
        when: (before, after) => (before === undefined) !== (after === undefined),
        why: "the `launch_template` block added or removed",
      },
    },
    forceNewWhole: instanceWholeChange,
    askAws: {
      // customdiff.ForceNewIf(instance_type): replaced when the two types share no architecture (DescribeInstanceTypes).
      instance_type:
        "it replaces the instance when the new type supports none of the old type's processor architectures, which the provider asks EC2",
      // CustomizeDiff: ForceNew when the instance's launch template version differs from the one configured.
      "launch_template.version":
        "it replaces the instance when the launch template version the instance runs differs, which the provider asks EC2",
    },
    // 6.25.0 arguments the 5.x revision read does not have.
    unverified: ["enable_primary_ipv6", "force_destroy", "placement_group_id", "primary_network_interface"],
    source: `${PROVIDER} internal/service/ec2/ec2_instance.go (schema ForceNew and CustomizeDiff ForceNewIf user_data, user_data_base64, instance_type, launch_template.0.version; read at a 5.x revision, not v6.25.0)`,
  },
  aws_vpc_peering_connection: {
    // accepter/requester options go through ModifyVpcPeeringConnectionOptions; auto_accept accepts a
    // pending connection on update. Read at 04c79849, f1750b86 and a later aws-sdk-go-v2 revision.
    forceNew: ["peer_owner_id", "peer_region", "peer_vpc_id", "vpc_id"],
    source: `${PROVIDER} internal/service/ec2/vpc_peering_connection.go (ForceNew: peer_owner_id, peer_region, peer_vpc_id, vpc_id; read at 04c79849, f1750b86 and a later aws-sdk-go-v2 revision, not v6.25.0)`,
  },
};

/**
 * Computed attributes that get a new value when an update changes certain arguments: a reference
 * to them in another resource changes with them, although neither JSON shows it.
 */
export const COMPUTED_ON_UPDATE: Readonly<
  Record<string, { readonly when: readonly string[]; readonly attributes: readonly string[]; readonly source: string }>
> = {
  aws_s3_object: {
    // resourceObjectCustomizeDiff: hasObjectContentChanges -> SetNewComputed("version_id"); source_hash -> version_id, etag.
    when: [
      "bucket_key_enabled",
      "cache_control",
      "checksum_algorithm",
      "content_base64",
      "content_disposition",
      "content_encoding",
      "content_language",
      "content_type",
      "content",
      "etag",
      "kms_key_id",
      "metadata",
      "server_side_encryption",
      "source",
      "source_hash",
      "storage_class",
      "website_redirect",
    ],
    attributes: ["version_id", "etag"],
    source: `${PROVIDER} internal/service/s3/object.go (resourceObjectCustomizeDiff)`,
  },
  aws_vpc_endpoint: {
    when: ["subnet_ids", "subnet_configuration"],
    attributes: ["network_interface_ids", "subnet_configuration", "subnet_ids"],
    source: `${PROVIDER} internal/service/ec2/vpc_endpoint.go (customdiff.ComputedIf network_interface_ids)`,
  },
  aws_lambda_function: {
    when: ["filename", "s3_bucket", "s3_key", "s3_object_version", "image_uri", "source_code_hash"],
    attributes: [
      "version",
      "qualified_arn",
      "qualified_invoke_arn",
      "last_modified",
      "code_sha256",
      "source_code_size",
    ],
    source: `${PROVIDER} internal/service/lambda/function.go (knowledge)`,
  },
};

/**
 * Attribute names (last path segment) that are sets (schema.TypeSet) in the provider: their order in
 * the JSON means nothing, so a reordered list is no change.
 */
export const SET_ATTRIBUTES: ReadonlySet<string> = new Set([
  "subnet_ids",
  "security_group_ids",
  "security_groups",
  "subnets",
  "route_table_ids",
  "network_interface_ids",
  "subject_alternative_names",
  "validation_record_fqdns",
  "records",
  "depends_on",
  "managed_policy_arns",
]);

/** Terraform meta-arguments and local-only settings: a change here changes nothing in AWS. */
export const TERRAFORM_ONLY: ReadonlySet<string> = new Set([
  "depends_on",
  "lifecycle",
  "timeouts",
  "count",
  "for_each",
  "provisioner",
  "connection",
]);

/** Tag attributes: on most AWS resources (and on the MWAA environment) a tag change is a light update. */
export const TAG_ATTRIBUTES: ReadonlySet<string> = new Set(["tags", "tags_all"]);

/** The MWAA environment: updating it takes 10 to 30 minutes; replacing it loses the metadata database. */
export const MWAA_ENVIRONMENT = "aws_mwaa_environment";

/** Types the review always treats as protected (besides anything with lifecycle.prevent_destroy). */
export const PROTECTED_TYPES: ReadonlySet<string> = new Set([MWAA_ENVIRONMENT, "aws_s3_bucket"]);

/** The environment's attributes that point at an S3 object version, with the artifact they carry. */
export const MWAA_ARTIFACT_ATTRIBUTES: Readonly<Record<string, string>> = {
  plugins_s3_object_version: "plugins.zip",
  plugins_s3_path: "plugins.zip",
  requirements_s3_object_version: "requirements.txt",
  requirements_s3_path: "requirements.txt",
  startup_script_s3_object_version: "startup script",
  startup_script_s3_path: "startup script",
  dag_s3_path: "DAG folder",
};

/** Whether a change of `path` from `before` to `after` forces a new `type` resource; the reason when it does. */
export function forcesReplacement(
  type: string,
  path: string,
  before: Json | undefined,
  after: Json | undefined,
): string | undefined {
  const rule = REPLACE_RULES[type];
  if (rule === undefined) return undefined;
  if (rule.forceNew.some((p) => path === p || path.startsWith(`${p}.`))) return `\`${path}\` cannot change in place`;
  const conditional = rule.forceNewIf?.[path];
  if (conditional !== undefined && conditional.when(before, after)) return `\`${path}\` change is ${conditional.why}`;
  return undefined;
}

/**
 * Arguments of every 6.x resource whose change this review cannot judge from the files it read:
 * `region` (6.0's per-resource region) is injected by the provider, not by the file of each rule.
 */
const UNVERIFIED_EVERYWHERE: ReadonlySet<string> = new Set(["region"]);

/** What the review says where it cannot tell an update from a replacement. */
export const NOT_KNOWN = "not known to this review: check the plan";

/**
 * Why the review cannot judge a change of `path` on a `type` resource (no rule for the type, an
 * argument hashicorp/aws 6.25.0 does not have, one the rule's source does not cover, or one the
 * provider decides by asking AWS); undefined
 * when it can. Tags and Terraform meta-arguments are always known.
 */
export function notKnown(type: string, path: string): string | undefined {
  const top = path.split(".")[0] as string;
  if (TERRAFORM_ONLY.has(top) || TAG_ATTRIBUTES.has(top)) return undefined;
  const rule = REPLACE_RULES[type];
  if (rule === undefined) return `\`${type}\` has no replacement rule`;
  const asked = rule.askAws?.[path];
  if (asked !== undefined) return `\`${path}\` is decided by the provider at plan time: ${asked}`;
  if (UNVERIFIED_EVERYWHERE.has(top) || rule.unverified?.includes(top))
    return `what a change of \`${top}\` does was not read from the provider source`;
  const known = PROVIDER_ARGUMENTS[type];
  if (known !== undefined && !known.includes(top))
    return `\`${top}\` is not an argument of \`${type}\` in hashicorp/aws ${PROVIDER_ARGUMENTS_VERSION}`;
  return undefined;
}
