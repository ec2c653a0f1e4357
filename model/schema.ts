import { z } from "zod";
import {
  AIRFLOW_VERSIONS,
  DEFAULT_AIRFLOW_VERSION,
  ENVIRONMENT_CLASSES,
  LOG_LEVELS,
  LOG_MODULES,
  type LogModuleKey,
  SERVICE_ENDPOINTS,
  type AirflowVersion,
  type ClassLimits,
  type EnvironmentClass,
  airflowMajor,
} from "./versions";
import { accessSchema, checkAccess } from "./access";
import { isIpv4Cidr, refineNetworkAddress } from "./cidr";
import { checkEndpoints, endpointsSchema } from "./endpoints";
import { checkMigration } from "./migration";
import { checkNetworkAccess, defaultServiceEndpoints, peeringSchema, transitGatewaySchema } from "./network-access";
import { suggestion } from "./errors";
import { ALL_MWAA_REGIONS, MWAA_REGIONS, isMwaaRegion } from "./regions";
import { ref } from "./ref";
import { airflowStateSchema, secretPrefixClashes, withSecretPrefixes } from "./airflow-state";
import { DEFAULT_METRIC_NAMESPACE } from "../lambda/worker-count/contract";

/**
 * The config model: one zod schema is the contract for config files, the construct props and the
 * generated JSON Schema. Defaults live here (and in the `@default` docs), nowhere else.
 */

export const ENV_NAME = /^[a-zA-Z][0-9a-zA-Z_-]*$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const KMS_KEY_ARN =
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/mrk-[0-9a-f]{32}$/;
const BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MAINTENANCE_WINDOW = /^(MON|TUE|WED|THU|FRI|SAT|SUN):([01]\d|2[0-3]):(00|30)$/;
const CONFIG_KEY = /^[a-z][a-z0-9_]*\.[a-z0-9_]+$/;
const BARE_FQDN = /^(?=.{1,255}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$/;
const IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;

const str = (pattern: RegExp, allowed: string) => z.string({ error: allowed }).regex(pattern, { error: allowed });

const int = (min: number, max: number) => {
  const allowed = `an integer from ${min} to ${max}`;
  return z.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
};

const tagsSchema = z
  .record(
    z
      .string()
      .min(1, { error: "tag keys are 1 to 128 characters and must not start with aws:" })
      .max(128, { error: "tag keys are 1 to 128 characters and must not start with aws:" })
      .refine((k) => !k.toLowerCase().startsWith("aws:"), {
        error: "tag keys must not start with aws: (reserved by AWS)",
      }),
    z
      .string({ error: "a tag value is a string of at most 256 characters" })
      .max(256, { error: "a tag value is at most 256 characters" }),
  )
  .refine((t) => Object.keys(t).length <= 50, { error: "at most 50 tags" })
  .prefault({})
  .describe("Tags for every resource of this environment. @default {}");

const logLevelSchema = z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(", ")}` });

export const airflowSchema = z
  .strictObject({
    version: z
      .enum(Object.keys(AIRFLOW_VERSIONS) as [AirflowVersion, ...AirflowVersion[]], {
        error: `an Airflow version MWAA supports: ${Object.keys(AIRFLOW_VERSIONS).join(", ")}`,
      })
      .default(DEFAULT_AIRFLOW_VERSION)
      .describe(`Airflow version. @default "${DEFAULT_AIRFLOW_VERSION}"`),
    environmentClass: z
      .enum(Object.keys(ENVIRONMENT_CLASSES) as [EnvironmentClass, ...EnvironmentClass[]], {
        error: `one of ${Object.keys(ENVIRONMENT_CLASSES).join(", ")}`,
      })
      .default("mw1.small")
      .describe('MWAA environment class. @default "mw1.small"'),
    minWorkers: int(1, 25).default(1).describe("Minimum workers. @default 1"),
    maxWorkers: int(1, 25).optional().describe("Maximum workers. @default 10 (1 for mw1.micro)"),
    schedulers: int(1, 5).optional().describe("Schedulers. @default 2 (1 for mw1.micro)"),
    minWebservers: int(1, 5).optional().describe("Minimum web servers. @default 2 (1 for mw1.micro)"),
    maxWebservers: int(1, 5).optional().describe("Maximum web servers. @default 2 (1 for mw1.micro)"),
    configurationOptions: z
      .record(
        z
          .string()
          .regex(CONFIG_KEY, { error: 'option keys are "section.option", lower case (e.g. "core.default_timezone")' }),
        z.string({ error: 'option values are strings (write "false", not false)' }),
      )
      .superRefine((options, ctx) => {
        // MWAA's custom domain: a FQDN without protocol or path, at most 255 characters; "" means
        // MWAA's own URL (https://docs.aws.amazon.com/mwaa/latest/userguide/configuring-custom-domain.html).
        const baseUrl = options["webserver.base_url"];
        if (typeof baseUrl === "string" && baseUrl !== "" && !BARE_FQDN.test(baseUrl)) {
          ctx.addIssue({
            code: "custom",
            path: ["webserver.base_url"],
            message:
              "a bare domain name like airflow.example.com: no https://, no path, at most 255 characters (MWAA's custom domain)",
          });
        }
        // MWAA sets api.base_url itself and ranks it above configuration options
        // (aws/amazon-mwaa-docker-images, images/airflow/<3.x>/python/mwaa/config/setup_environment.py).
        if (options["api.base_url"] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["api.base_url"],
            message: "not settable: MWAA sets api.base_url itself; give the custom domain as webserver.base_url",
          });
        }
      })
      .prefault({})
      .describe(
        "Airflow configuration options, `section.option` to string. `webserver.base_url` defaults to `access.domainName`. @default {}",
      ),
    weeklyMaintenanceWindowStart: str(MAINTENANCE_WINDOW, "DAY:HH:MM in UTC on a half hour, e.g. SUN:03:00")
      .default("SUN:03:00")
      .describe('Weekly maintenance window start, UTC. @default "SUN:03:00"'),
    logLevel: z
      .union(
        [
          logLevelSchema,
          z.strictObject(
            Object.fromEntries(
              LOG_MODULES.map((m) => [
                m.key,
                logLevelSchema.optional().describe('Level of this module. @default "INFO"'),
              ]),
            ) as Record<LogModuleKey, z.ZodOptional<typeof logLevelSchema>>,
          ),
        ],
        {
          error: `one of ${LOG_LEVELS.join(", ")}, or an object of those per module (dagProcessing, scheduler, task, webServer, worker)`,
        },
      )
      .default("INFO")
      .describe('Log level for all five modules, or per module. @default "INFO"'),
    majorUpgradeInPlace: z
      .boolean({ error: "true or false" })
      .default(false)
      .describe(
        "Set with a 3.x `version` while `npm run upgrade` takes the environment from the latest 2.11.x to it in place: Terraform then ignores `airflow_version` (hashicorp/aws would replace the environment for a major upgrade). Remove it once the environment runs `version` (docs/upgrades.md). @default false",
      ),
    workerReplacementStrategy: z
      .enum(["FORCED", "GRACEFUL"], { error: "FORCED or GRACEFUL" })
      .optional()
      .describe(
        "How workers are replaced on an update. Sent only on update and never read back, so it never shows as drift. @default - MWAA's default (FORCED)",
      ),
  })
  .prefault({});

const networkSchema = z
  .strictObject({
    vpcId: ref(VPC_ID, "a VPC id like vpc-0a1b2c3d4e5f60718").optional().describe("Existing VPC id."),
    privateSubnetIds: z
      .array(ref(SUBNET_ID, "a subnet id like subnet-0a1b2c3d4e5f60718"), {
        error: "exactly two distinct private subnet ids",
      })
      .optional()
      .describe("Existing private subnets, exactly two in different AZs."),
    publicSubnetIds: z
      .array(ref(SUBNET_ID, "a subnet id like subnet-0a1b2c3d4e5f60718"))
      .optional()
      .describe("Existing public subnets (for an internet-facing ALB). @default []"),
    create: z
      .strictObject({
        cidr: z
          .string({ error: "an IPv4 CIDR from /16 to /24, e.g. 10.20.0.0/16" })
          .refine(isIpv4Cidr, { error: "an IPv4 CIDR from /16 to /24, e.g. 10.20.0.0/16" })
          .refine((c) => !isIpv4Cidr(c) || (Number(c.split("/")[1]) >= 16 && Number(c.split("/")[1]) <= 24), {
            error: "an IPv4 CIDR from /16 to /24, e.g. 10.20.0.0/16",
          })
          .superRefine(refineNetworkAddress)
          .describe("IPv4 range of the VPC, /16 to /24: two private and two public subnets are cut from it."),
        natGateways: int(0, 2)
          .default(1)
          .describe("NAT gateways; 0 means private routing through VPC endpoints. @default 1"),
      })
      .optional()
      .describe("Create a VPC across two AZs instead of using an existing one."),
    serviceEndpoints: z
      .array(z.enum(SERVICE_ENDPOINTS, { error: `one of ${SERVICE_ENDPOINTS.join(", ")}` }))
      .optional()
      .describe(
        "AWS service endpoints to create for private routing. Subnets without a NAT route need them all (an existing network too: only you know whether it has NAT). Leave out the ones your network team already made. ssm, ssmmessages and ec2messages serve access.evaluationHost. @default - with a created network and 0 NAT gateways all MWAA needs (plus the Session Manager ones with access.evaluationHost), none otherwise",
      ),
    transitGateway: transitGatewaySchema
      .optional()
      .describe(
        "Attach the created VPC to a transit gateway and route these CIDRs through it (docs/network.md). @default - none",
      ),
    peering: peeringSchema
      .optional()
      .describe(
        "Peer the created VPC with an existing VPC of the same account and Region (docs/network.md). @default - none",
      ),
  })
  .superRefine((n, ctx) => {
    // An empty publicSubnetIds is the default a parsed network carries: parsing stays idempotent.
    const existing = n.vpcId !== undefined || n.privateSubnetIds !== undefined || (n.publicSubnetIds?.length ?? 0) > 0;
    if (existing === (n.create !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          "either an existing network (vpcId, privateSubnetIds, publicSubnetIds) or create, not both and not neither",
      });
      return;
    }
    if (existing) {
      if (n.vpcId === undefined)
        ctx.addIssue({ code: "custom", path: ["vpcId"], message: "required with existing subnets" });
      const subnets = n.privateSubnetIds;
      if (subnets === undefined || subnets.length !== 2 || subnets[0] === subnets[1]) {
        ctx.addIssue({
          code: "custom",
          path: ["privateSubnetIds"],
          message: "exactly two distinct private subnet ids",
        });
      }
    }
    if (new Set(n.serviceEndpoints ?? []).size !== (n.serviceEndpoints ?? []).length) {
      ctx.addIssue({ code: "custom", path: ["serviceEndpoints"], message: "each service once" });
    }
  })
  .transform((n) => ({
    ...n,
    publicSubnetIds: n.publicSubnetIds ?? [],
  }));

const bucketSchema = z
  .strictObject({
    existingName: ref(BUCKET_NAME, "an S3 bucket name (3 to 63 lower-case letters, digits, dots, hyphens)")
      .optional()
      .describe("Use this existing, versioned bucket."),
    name: str(BUCKET_NAME, "an S3 bucket name (3 to 63 lower-case letters, digits, dots, hyphens)")
      .optional()
      .describe('Name of the bucket to create. @default - a generated name starting "airflow-<environment>-"'),
  })
  .refine((b) => b.existingName === undefined || b.name === undefined, {
    error: "existingName (use a bucket) or name (create one), not both",
  })
  .prefault({});

const projectPath = (what: string) =>
  z
    .string({ error: `a path relative to the project root, e.g. ${what}` })
    .min(1, { error: `a path relative to the project root, e.g. ${what}` })
    .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."), {
      error: `a path inside the project, relative to its root, e.g. ${what}`,
    });

export const artifactsSchema = z.strictObject({
  dagsDir: projectPath("airflow/dags").describe("Folder of DAG files, uploaded to dags/."),
  requirements: projectPath("airflow/requirements.txt")
    .optional()
    .describe("requirements.txt for MWAA; its wheels go into plugins.zip. @default - none"),
  startupScript: projectPath("airflow/startup.sh").optional().describe("Startup script. @default - none"),
  startupRequirements: projectPath("airflow/startup-requirements.txt")
    .optional()
    .describe(
      "Requirements the startup script installs into its own venv; resolved separately, wheels in the same plugins.zip. @default - none",
    ),
  pluginsDir: projectPath("airflow/plugins")
    .optional()
    .describe("Custom Airflow plugin modules, zipped beside the wheels. @default - none"),
  constraints: projectPath("airflow/constraints-3.3.1.txt")
    .optional()
    .describe("Airflow constraints file for the requirements set. @default - none"),
  wheelhouse: projectPath("airflow/wheelhouse")
    .optional()
    .describe(
      "Folder of wheels (an internal mirror) used instead of PyPI, with --no-index --find-links. @default - PyPI",
    ),
});

export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const SQS_OR_SNS_ARN = /^arn:aws[a-z-]*:(sns|sqs):[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

export const monitoringSchema = z
  .strictObject({
    logRetentionDays: z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        error: `one of CloudWatch's retention values: ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .default(30)
      .describe("Retention of the five MWAA log groups and the Lambda logs. @default 30"),
    workerCount: z.boolean().default(true).describe("The worker-count Lambda and its metric. @default true"),
    dashboard: z.boolean().default(true).describe("A CloudWatch dashboard. @default true"),
    metricNamespace: z
      .string()
      .regex(/^(?!AWS\/)[A-Za-z0-9._/#:-]{1,255}$/, { error: 'a CloudWatch namespace not starting with "AWS/"' })
      .default(DEFAULT_METRIC_NAMESPACE)
      .describe(`Namespace of the worker-count metric. @default "${DEFAULT_METRIC_NAMESPACE}"`),
    alarmTopicArn: ref(SNS_ARN, "an SNS topic ARN")
      .optional()
      .describe("SNS topic for alarms. @default - alarms without actions"),
    onFailureDestinationArn: ref(SQS_OR_SNS_ARN, "an SQS queue or SNS topic ARN")
      .optional()
      .describe("Where failed worker-count runs go. @default - none"),
    queuedTasksThreshold: int(1, 10000)
      .default(20)
      .describe("Queued tasks that raise the queued-tasks alarm. @default 20"),
    queuedTasksMinutes: int(1, 1440)
      .default(15)
      .describe("Minutes the queue stays above the threshold before it alarms. @default 15"),
    workersAtMaximumMinutes: int(1, 1440)
      .default(30)
      .describe("Minutes at maxWorkers before the workers-at-maximum alarm. @default 30"),
    schedulerHeartbeatMinutes: int(1, 1440)
      .default(5)
      .describe("Minutes without a scheduler heartbeat before the scheduler alarm. @default 5"),
  })
  .prefault({});

/**
 * Inputs of the cost estimate only (the Infracost usage file synth writes); nothing in AWS changes.
 * The default metadata size is Infracost's own "small" default for aws_mwaa_environment
 * (infracost/infracost@95ba4f4 infracost-usage-defaults.small.yml: meta_database_gb: 50).
 */
export const costSchema = z
  .strictObject({
    metadataDatabaseGb: int(1, 100000)
      .default(50)
      .describe("Metadata database size in GB the cost estimate assumes (Infracost's meta_database_gb). @default 50"),
    averageWorkers: z
      .number({ error: "a number of workers from 1 to 25" })
      .min(1, { error: "a number of workers from 1 to 25" })
      .max(25, { error: "a number of workers from 1 to 25" })
      .optional()
      .describe(
        "Workers running on average over a month, for the estimate (between minWorkers and maxWorkers; 2.5 is fine). @default - minWorkers",
      ),
  })
  .prefault({});

const policyStatementSchema = z.strictObject({
  sid: z
    .string()
    .regex(/^[A-Za-z0-9]+$/, { error: "letters and digits only" })
    .optional()
    .describe("Statement id. @default - none"),
  effect: z
    .enum(["Allow", "Deny"], { error: "Allow or Deny" })
    .default("Allow")
    .describe('Allow or Deny. @default "Allow"'),
  actions: z
    .array(str(IAM_ACTION, 'an IAM action "service:Action"; a bare "*" is not allowed'), {
      error: "a list of IAM actions",
    })
    .min(1, { error: "at least one action" })
    .describe('IAM actions, "service:Action" (wildcards in the action name only).'),
  resources: z
    .array(z.string().min(1), { error: "a list of resource ARNs" })
    .min(1, { error: "at least one resource" })
    .describe("Resource ARNs the statement covers."),
  conditions: z
    .array(
      z.strictObject({
        // Operators, optionally with a ForAnyValue:/ForAllValues: set prefix and an IfExists suffix
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
        test: z
          .string()
          .regex(/^((ForAnyValue|ForAllValues):)?[A-Za-z]+$/, {
            error: "an IAM condition operator like StringEquals or ForAnyValue:StringLike",
          })
          .describe("Condition operator, e.g. StringEquals."),
        variable: z
          .string()
          .min(1, { error: "a condition key like aws:ResourceTag/team" })
          .describe("Condition key, e.g. aws:ResourceTag/team."),
        values: z
          .array(z.string(), { error: "a list of values" })
          .min(1, { error: "at least one value" })
          .describe("Values the key is compared with; any one may match."),
      }),
      { error: "a list of {test, variable, values}" },
    )
    .default([])
    .describe("Conditions of the statement, all of which must hold (IAM Condition block). @default []"),
});

const NAME_RULE = "1 to 80 characters, a letter then letters, digits, - or _";
const nameSchema = () =>
  z
    .string({ error: NAME_RULE })
    .min(1, { error: NAME_RULE })
    .max(80, { error: NAME_RULE })
    .regex(ENV_NAME, { error: NAME_RULE });

/** A side-by-side migration in progress: a second environment beside the current one (docs/upgrades.md, "Migrating to Airflow 3"). */
export const migrationSchema = z.strictObject({
  candidate: z
    .strictObject({
      environmentName: nameSchema().describe(
        "MWAA name of the new environment; different from the current one. After finishing, it becomes `environmentName`.",
      ),
      airflow: airflowSchema.describe("Version and sizing of the new environment, like `airflow`."),
      artifacts: artifactsSchema
        .optional()
        .describe(
          "Its own DAGs and requirements, uploaded under `<candidate.environmentName>/` in the shared bucket. @default - nothing uploaded",
        ),
    })
    .describe(
      "The new environment: own name, Airflow version, artifacts and sizing; network, bucket and ALB are shared.",
    ),
  serve: z
    .enum(["current", "candidate"], { error: "current or candidate" })
    .default("current")
    .describe('Which environment the domain serves: "candidate" cuts over, "current" rolls back. @default "current"'),
  hostName: z
    .string()
    .regex(/^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/, {
      error: "a lower-case DNS name like next.airflow.example.com",
    })
    .optional()
    .describe("Second host name on the same ALB: it serves the candidate. @default - next.<access.domainName>"),
  certificateArn: ref(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "an ACM certificate ARN")
    .optional()
    .describe(
      "Certificate for hostName, added to the HTTPS listener (SNI). @default - an ACM certificate for hostName when access creates one; access.certificateArn otherwise (it must cover hostName)",
    ),
});

export const environmentSchema = z
  .strictObject({
    name: nameSchema().describe(
      "Environment name; also the stack name. Renaming makes a new environment (docs/review.md, renaming an environment).",
    ),
    environmentName: nameSchema()
      .optional()
      .describe(
        "The MWAA environment's name when it differs from `name` (the stack): the candidate's name after a migration finished. @default - name",
      ),
    region: z
      .string({ error: "an AWS Region where Amazon MWAA runs, like eu-west-1" })
      .refine(isMwaaRegion, {
        error: (issue) => {
          const hint = typeof issue.input === "string" ? suggestion(issue.input, ALL_MWAA_REGIONS) : "";
          const list = Object.entries(MWAA_REGIONS).map(
            ([partition, regions]) => `${partition}: ${regions.join(", ")}`,
          );
          return `an AWS Region where Amazon MWAA runs${hint === "" ? ` (${list.join("; ")})` : hint}`;
        },
      })
      .describe("AWS Region where Amazon MWAA runs (the list, per partition, is in model/regions.ts)."),
    tags: tagsSchema,
    airflow: airflowSchema.describe("Airflow version, environment class, capacity and configuration. @default {}"),
    network: networkSchema.describe("The VPC: an existing one (vpcId, privateSubnetIds) or one to create (create)."),
    bucket: bucketSchema.describe("The S3 bucket MWAA reads from: an existing one, or one to create. @default {}"),
    kmsKeyArn: ref(KMS_KEY_ARN, "a KMS key ARN like arn:aws:kms:eu-west-1:123456789012:key/<uuid>")
      .optional()
      .describe(
        "Customer managed KMS key for the environment, bucket and logs. Changing it replaces the environment. @default - AWS owned keys",
      ),
    protectFromDestroy: z
      .boolean({ error: "true or false" })
      .default(true)
      .describe("prevent_destroy on the environment and bucket; ALB deletion protection. @default true"),
    executionRolePolicyStatements: z
      .array(policyStatementSchema)
      .default([])
      .describe("Extra statements for the execution role. @default []"),
    endpoints: endpointsSchema.describe('Who creates the customer managed endpoints. @default {"createdBy": "stack"}'),
    monitoring: monitoringSchema.describe("Log groups, worker-count metric, dashboard, alarms."),
    cost: costSchema.describe("What the cost estimate assumes (infracost-usage.yml beside each stack). @default {}"),
    artifacts: artifactsSchema
      .optional()
      .describe("Airflow content to upload. @default - nothing uploaded (DAGs managed elsewhere)"),
    access: accessSchema.optional().describe("Web access through an Application Load Balancer. @default - no ALB"),
    migration: migrationSchema
      .optional()
      .describe("A side-by-side migration in progress (docs/upgrades.md). @default - none"),
    airflowState: airflowStateSchema
      .optional()
      .describe("Connections, variables and pools as code, and their backup (docs/airflow-state.md). @default - none"),
  })
  .superRefine((env, ctx) => {
    // zod runs refinements on objects with invalid fields too: check only what parsed.
    for (const [airflow, at] of [
      [env.airflow, ["airflow"]],
      [env.migration?.candidate?.airflow, ["migration", "candidate", "airflow"]],
    ] as const) {
      if (airflow === undefined) continue;
      checkClassLimits(airflow, ctx, [...at]);
      checkMajorUpgrade(airflow, ctx, [...at]);
    }
    if (env.access !== undefined && env.network !== undefined) checkAccess(env, ctx);
    if (env.endpoints !== undefined && env.network !== undefined && typeof env.region === "string")
      checkEndpoints(env, ctx);
    if (env.migration !== undefined) checkMigration(env, ctx);
    if (env.network !== undefined) checkNetworkAccess(env, ctx);
  })
  .transform((env) => {
    // Defaults that depend on other fields: decided here, once, never in a construct.
    const { access, endpoints } = env;
    const { airflowState, ...rest } = env;
    return {
      ...rest,
      // Private routing needs every service endpoint when a created VPC has no NAT path.
      network: {
        ...env.network,
        serviceEndpoints: env.network.serviceEndpoints ?? defaultServiceEndpoints(env.network, access),
      },
      airflow: withClassDefaults(env.airflow),
      migration:
        env.migration === undefined
          ? undefined
          : {
              ...env.migration,
              candidate: { ...env.migration.candidate, airflow: withClassDefaults(env.migration.candidate.airflow) },
            },
      endpoints: {
        ...endpoints,
        role:
          endpoints.role === undefined ? undefined : { ...endpoints.role, region: endpoints.role.region ?? env.region },
      },
      access:
        access === undefined
          ? undefined
          : { ...access, deletionProtection: access.deletionProtection ?? env.protectFromDestroy },
      // Last, where the schema declares it; left out when absent, as zod leaves it.
      ...(airflowState !== undefined ? { airflowState: withSecretPrefixes(airflowState, env.name) } : {}),
    };
  });

type AirflowInput = z.output<typeof airflowSchema>;

/** Worker, scheduler and web server counts within the limits of the environment class. */
function checkClassLimits(a: AirflowInput, ctx: z.RefinementCtx, at: (string | number)[]): void {
  const limits = ENVIRONMENT_CLASSES[a.environmentClass] as ClassLimits | undefined;
  if (limits === undefined) return;
  const cls = a.environmentClass;
  // Values outside MWAA's general range already have their own error.
  const inRange = (v: unknown, max: number): v is number =>
    Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;
  const maxWorkers = a.maxWorkers ?? Math.min(10, limits.maxWorkers);
  if (inRange(maxWorkers, 25) && maxWorkers > limits.maxWorkers)
    ctx.addIssue({ code: "custom", path: [...at, "maxWorkers"], message: `at most ${limits.maxWorkers} for ${cls}` });
  if (a.minWorkers > maxWorkers)
    ctx.addIssue({ code: "custom", path: [...at, "minWorkers"], message: `at most maxWorkers (${maxWorkers})` });
  const ranges: [keyof typeof a, readonly [number, number]][] = [
    ["schedulers", limits.schedulers],
    ["minWebservers", limits.webservers],
    ["maxWebservers", limits.webservers],
  ];
  for (const [field, [min, max]] of ranges) {
    const v = a[field];
    if (inRange(v, 5) && (v < min || v > max))
      ctx.addIssue({
        code: "custom",
        path: [...at, field],
        message: min === max ? `must be ${min} for ${cls}` : `from ${min} to ${max} for ${cls}`,
      });
  }
  if ((a.minWebservers ?? limits.webservers[0]) > (a.maxWebservers ?? limits.webservers[0])) {
    ctx.addIssue({ code: "custom", path: [...at, "minWebservers"], message: "at most maxWebservers" });
  }
}

/** majorUpgradeInPlace means something only beside the 3.x version the upgrade command goes to. */
function checkMajorUpgrade(a: AirflowInput, ctx: z.RefinementCtx, at: (string | number)[]): void {
  if (a.majorUpgradeInPlace !== true || !Object.hasOwn(AIRFLOW_VERSIONS, a.version) || airflowMajor(a.version) === 3)
    return;
  ctx.addIssue({
    code: "custom",
    path: [...at, "majorUpgradeInPlace"],
    message: `true only with a 3.x version (${at.join(".")}.version is ${a.version}): it lets \`npm run upgrade\` take the latest 2.11.x to that 3.x in place; remove it`,
  });
}

/** The class-dependent defaults of the counts. */
function withClassDefaults(a: AirflowInput) {
  const limits = ENVIRONMENT_CLASSES[a.environmentClass];
  return {
    ...a,
    maxWorkers: a.maxWorkers ?? Math.min(10, limits.maxWorkers),
    schedulers: a.schedulers ?? limits.schedulers[0],
    minWebservers: a.minWebservers ?? limits.webservers[0],
    maxWebservers: a.maxWebservers ?? limits.webservers[0],
  };
}

const backendSchema = z
  .discriminatedUnion(
    "type",
    [
      z.strictObject({
        type: z.literal("local"),
      }),
      z.strictObject({
        type: z.literal("s3"),
        bucket: str(BUCKET_NAME, "an S3 bucket name").describe("State bucket."),
        keyPrefix: z
          .string()
          .regex(/^[A-Za-z0-9!_.*'()/-]*$/, { error: "S3 key characters" })
          .default("mwaa/")
          .describe('Key prefix; the key is <prefix><stack>.tfstate. @default "mwaa/"'),
        region: str(REGION, "an AWS region like eu-west-1").describe("Region of the state bucket."),
        useLockfile: z.boolean().default(true).describe("S3 native state locking (use_lockfile). @default true"),
      }),
    ],
    { error: 'type "local" or "s3"' },
  )
  .default({ type: "local" })
  .describe('Where Terraform keeps state: one state per stack. @default {"type": "local"}');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path of the JSON Schema, for editors."),
    backend: backendSchema,
    environments: z
      .array(environmentSchema, { error: "a list of environments" })
      .min(1, { error: "at least one environment" }),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.environments.forEach((e, i) => {
      const first = seen.get(e.name.toLowerCase());
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["environments", i, "name"],
          message: `unique in the file (environments[${first}] has it too)`,
        });
      else seen.set(e.name.toLowerCase(), i);
    });
    for (const clash of secretPrefixClashes(c.environments))
      ctx.addIssue({
        code: "custom",
        path: ["environments", clash.index, "airflowState", "secretsBackend", clash.field],
        message: clash.message,
      });
  });

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
/** Props of one environment, as a user writes them (defaults optional). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** One environment with every default applied. */
export type Environment = z.output<typeof environmentSchema>;
export type Backend = Config["backend"];
export type Artifacts = z.output<typeof artifactsSchema>;
export type Monitoring = z.output<typeof monitoringSchema>;
export type Migration = NonNullable<Environment["migration"]>;
