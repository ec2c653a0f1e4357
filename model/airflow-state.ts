import { z } from "zod";
import { DEFAULT_POOL } from "../lambda/airflow-state/contract";

/**
 * `airflowState`: what lives inside the environment, as code. Connections and secret variables in
 * Secrets Manager, read by Airflow's SecretsManagerBackend; pools and plain variables applied
 * through InvokeRestApi; a scheduled backup.
 */

/** Secrets Manager names: letters, digits and /_+=.@- (Secrets Manager CreateSecret API, Name). */
const SECRET_PATH = /^[A-Za-z0-9/_+=.@-]+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/([0-9a-f-]{36}|mrk-[0-9a-f]{32})$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
/** Pool names and variable keys: Airflow's ids are at most 250 characters (airflow/models/base.py ID_LEN). */
const KEY = /^[A-Za-z0-9_.-]{1,250}$/;
const KEY_RULE = "1 to 250 letters, digits, _, . or -";

const prefix = (example: string) =>
  z
    .string({ error: `a Secrets Manager name prefix like ${example}` })
    .regex(SECRET_PATH, { error: `a Secrets Manager name prefix like ${example} (letters, digits, /_+=.@-)` })
    // The execution role may read <prefix>/*: a prefix without a name of its own would open every secret.
    .refine((p) => p.replace(/\//g, "").length >= 3 && !p.startsWith("/"), {
      error: `a prefix like ${example}: this one would let the execution role read every secret in the account`,
    })
    // The default names the environment (set by withSecretPrefixes): secret names and the role's
    // read access are per account and Region, so a shared default would collide between stacks.
    .optional();

const secretRef = (what: string) =>
  z.strictObject({
    name: z.string().regex(KEY, { error: KEY_RULE }).describe(`${what} id; the secret is <prefix>/<name>.`),
    description: z.string().max(2048).optional().describe("Secret description. @default - none"),
    existingSecretArn: z
      .string()
      .regex(SECRET_ARN, { error: "a Secrets Manager secret ARN" })
      .optional()
      .describe(
        "Use this existing secret instead of creating one (its name must be <prefix>/<name> for the backend to find it). @default - a secret is created, without a value",
      ),
  });

export const airflowStateSchema = z
  .strictObject({
    secretsBackend: z
      .strictObject({
        connectionsPrefix: prefix("airflow/analytics/connections").describe(
          'Secret name prefix of connections; unique per account and Region. @default "airflow/<name>/connections"',
        ),
        variablesPrefix: prefix("airflow/analytics/variables").describe(
          'Secret name prefix of variables; unique per account and Region. @default "airflow/<name>/variables"',
        ),
        kmsKeyArn: z
          .string()
          .regex(KMS_KEY_ARN, { error: "a KMS key ARN" })
          .optional()
          .describe(
            "Customer managed key of the secrets; the execution role may decrypt with it through Secrets Manager. @default - aws/secretsmanager",
          ),
        connections: z
          .array(secretRef("Connection"))
          .default([])
          .describe(
            "Connections kept as secrets. Values are set outside Terraform (docs/airflow-state.md). @default []",
          ),
        variables: z
          .array(secretRef("Variable"))
          .default([])
          .describe("Secret variables. Values are set outside Terraform (docs/airflow-state.md). @default []"),
      })
      .optional()
      .describe("Airflow's Secrets Manager backend. @default - none"),
    pools: z
      .array(
        z.strictObject({
          name: z.string().regex(KEY, { error: KEY_RULE }).describe("Pool name."),
          slots: z
            .number({ error: "a whole number of slots, 0 or more" })
            .int({ error: "a whole number of slots, 0 or more" })
            .min(0, { error: "a whole number of slots, 0 or more" })
            .describe("Slots."),
          description: z.string().optional().describe('Description. @default ""'),
          includeDeferred: z
            .boolean()
            .optional()
            .describe("Deferred tasks take slots (Airflow 2.7 and later). @default false"),
        }),
      )
      .default([])
      .describe("Pools applied through InvokeRestApi. @default []"),
    variables: z
      .array(
        z.strictObject({
          key: z.string().regex(KEY, { error: KEY_RULE }).describe("Variable key."),
          value: z
            .string({ error: "a string (not a secret: those go in secretsBackend.variables)" })
            .describe("Value, in the config and the state: nothing secret."),
          description: z.string().optional().describe('Description. @default ""'),
        }),
      )
      .default([])
      .describe("Plain variables applied through InvokeRestApi. @default []"),
    backup: z
      .strictObject({
        everyHours: z
          .number()
          .int()
          .min(1, { error: "an integer from 1 to 24" })
          .max(24, { error: "an integer from 1 to 24" })
          .default(24)
          .describe("Hours between backups. @default 24"),
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/, {
            error: 'an S3 key prefix ending in "/", e.g. airflow-state/',
          })
          .default("airflow-state/")
          .describe('Key prefix in the environment bucket. @default "airflow-state/"'),
        retentionDays: z
          .number()
          .int()
          .min(1, { error: "an integer from 1 to 3650" })
          .max(3650, { error: "an integer from 1 to 3650" })
          .default(90)
          .describe(
            "Days a backup (and its older versions) is kept: a rule per environment on <prefix><environment>/ in the bucket's lifecycle configuration. With bucket.existingName none is created (it would replace the bucket's own rules): add the rule to the bucket yourself (docs/airflow-state.md). @default 90",
          ),
      })
      .optional()
      .describe("Scheduled backup to the environment bucket. @default - none"),
  })
  .superRefine((s, ctx) => {
    const unique = (names: string[], at: string, what: string) => {
      const seen = new Map<string, number>();
      names.forEach((n, i) => {
        const first = seen.get(n);
        if (first !== undefined)
          ctx.addIssue({
            code: "custom",
            path: [at, i, what],
            message: `"${n}" is declared twice (also at ${at}[${first}])`,
          });
        else seen.set(n, i);
      });
    };
    if (s.pools !== undefined) {
      unique(
        s.pools.map((p) => p.name),
        "pools",
        "name",
      );
      s.pools.forEach((p, i) => {
        if (p.name === DEFAULT_POOL)
          ctx.addIssue({
            code: "custom",
            path: ["pools", i, "name"],
            message: `${DEFAULT_POOL} is Airflow's own pool: change its slots in Airflow, not here`,
          });
      });
    }
    if (s.variables !== undefined)
      unique(
        s.variables.map((v) => v.key),
        "variables",
        "key",
      );
    const backend = s.secretsBackend;
    if (backend === undefined) return;
    if (backend.connections !== undefined)
      unique(
        backend.connections.map((c) => c.name),
        "secretsBackend.connections",
        "name",
      );
    if (backend.variables !== undefined) {
      unique(
        backend.variables.map((v) => v.name),
        "secretsBackend.variables",
        "name",
      );
      const secret = new Set(backend.variables.map((v) => v.name));
      (s.variables ?? []).forEach((v, i) => {
        if (secret.has(v.key))
          ctx.addIssue({
            code: "custom",
            path: ["variables", i, "key"],
            message: `"${v.key}" is also declared in secretsBackend.variables: declare it once (the secret wins in Airflow)`,
          });
      });
    }
    if (backend.connectionsPrefix !== undefined && backend.connectionsPrefix === backend.variablesPrefix) {
      ctx.addIssue({
        code: "custom",
        path: ["secretsBackend", "variablesPrefix"],
        message: "must differ from connectionsPrefix",
      });
    }
  });

type ParsedAirflowState = z.output<typeof airflowStateSchema>;
type SecretsBackend = NonNullable<ParsedAirflowState["secretsBackend"]>;

/** `airflowState` of a parsed environment: the secret prefixes decided (withSecretPrefixes). */
export type AirflowState = Omit<ParsedAirflowState, "secretsBackend"> & {
  secretsBackend?: SecretsBackend & { connectionsPrefix: string; variablesPrefix: string };
};

/** The secret prefixes left out default to ones naming the environment (its stack name). */
export function withSecretPrefixes(state: ParsedAirflowState, name: string): AirflowState {
  const backend = state.secretsBackend;
  if (backend === undefined) return { ...state, secretsBackend: undefined };
  return {
    ...state,
    secretsBackend: {
      ...backend,
      connectionsPrefix: backend.connectionsPrefix ?? `airflow/${name}/connections`,
      variablesPrefix: backend.variablesPrefix ?? `airflow/${name}/variables`,
    },
  };
}

/**
 * Two environments of one file in the same Region whose secret prefixes meet (equal, or one inside
 * the other): their secrets would share names and each role could read the other's. One message
 * per clashing environment, naming both.
 */
export function secretPrefixClashes(
  environments: readonly { name: string; region: string; airflowState?: AirflowState }[],
): { index: number; field: string; message: string }[] {
  const seen: { index: number; name: string; region: string; field: string; prefix: string }[] = [];
  const clashes: { index: number; field: string; message: string }[] = [];
  environments.forEach((e, index) => {
    const backend = e.airflowState?.secretsBackend;
    if (backend === undefined) return;
    for (const field of ["connectionsPrefix", "variablesPrefix"] as const) {
      const prefix = backend[field];
      const other = seen.find(
        (s) =>
          s.region === e.region &&
          (s.prefix === prefix || s.prefix.startsWith(`${prefix}/`) || prefix.startsWith(`${s.prefix}/`)),
      );
      if (other !== undefined) {
        clashes.push({
          index,
          field,
          message: `"${e.name}" (${prefix}) and environments[${other.index}] "${other.name}" (${other.field} ${other.prefix}) share secret names in ${e.region}, and each role could read the other's secrets: give each its own prefixes, or leave them out (the default names the environment)`,
        });
        break;
      }
    }
    for (const field of ["connectionsPrefix", "variablesPrefix"] as const)
      seen.push({ index, name: e.name, region: e.region, field, prefix: backend[field] });
  });
  return clashes;
}
