/**
 * `check-secrets`: which declared secret connections and variables have no value yet. Terraform
 * creates the `aws_secretsmanager_secret`s without one (the value never passes through config or
 * state), and Airflow's SecretsManagerBackend finds nothing until a value is set.
 *
 * A value is set when a version of the secret carries the AWSCURRENT staging label
 * (DescribeSecret's VersionIdsToStages, @aws-sdk/client-secrets-manager 3.1164.0
 * DescribeSecretResponse: "AWSCURRENT, which indicates the current version of the secret"). Only
 * metadata is read: never the value (no GetSecretValue).
 */
import type { Config } from "../../model/schema";

/** One declared secret of one environment. */
export interface DeclaredSecret {
  readonly environment: string;
  readonly region: string;
  readonly kind: "connection" | "variable";
  readonly name: string;
  /** The secret's name, or the ARN of an existing one. */
  readonly secretId: string;
}

/** What DescribeSecret says, as far as this check needs it. */
export type Describe = (
  region: string,
  secretId: string,
) => Promise<{ versionIdsToStages?: Record<string, string[]> } | "not found">;

/** Every secret the config declares, per environment (the environments' own names). */
export function declaredSecrets(config: Config, environment?: string): DeclaredSecret[] {
  return config.environments
    .filter((e) => environment === undefined || e.name === environment)
    .flatMap((e) => {
      const backend = e.airflowState?.secretsBackend;
      if (backend === undefined) return [];
      const of = (
        kind: DeclaredSecret["kind"],
        prefix: string,
        refs: readonly { name: string; existingSecretArn?: string }[],
      ) =>
        refs.map((r) => ({
          environment: e.environmentName ?? e.name,
          region: e.region,
          kind,
          name: r.name,
          secretId: r.existingSecretArn ?? `${prefix}/${r.name}`,
        }));
      return [
        ...of("connection", backend.connectionsPrefix, backend.connections),
        ...of("variable", backend.variablesPrefix, backend.variables),
      ];
    });
}

/** The command that sets a secret's value, read from a file so it stays out of shell history. */
export function putValueCommand(s: DeclaredSecret): string {
  return `aws secretsmanager put-secret-value --region ${s.region} --secret-id ${s.secretId} --secret-string file://${s.kind === "connection" ? "connection.json" : "value.txt"}`;
}

/** One line per secret; `missing` counts those without a value (or without the secret). */
export async function checkSecrets(
  secrets: readonly DeclaredSecret[],
  describe: Describe,
): Promise<{ lines: string[]; missing: number }> {
  const lines: string[] = [];
  let missing = 0;
  for (const s of secrets) {
    const what = `${s.environment}: ${s.kind} ${s.name} (${s.secretId})`;
    const out = await describe(s.region, s.secretId);
    if (out === "not found") {
      missing += 1;
      lines.push(`${what}: no such secret (deploy first, or check existingSecretArn)`);
    } else if (Object.values(out.versionIdsToStages ?? {}).some((stages) => stages.includes("AWSCURRENT"))) {
      lines.push(`${what}: value set`);
    } else {
      missing += 1;
      lines.push(`${what}: NO VALUE, Airflow cannot read it: ${putValueCommand(s)}`);
    }
  }
  return { lines, missing };
}

/** DescribeSecret through @aws-sdk/client-secrets-manager, one client per region. */
export function describeWithSdk(): Describe {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sm = require("@aws-sdk/client-secrets-manager") as typeof import("@aws-sdk/client-secrets-manager");
  const clients = new Map<string, InstanceType<typeof sm.SecretsManagerClient>>();
  return async (region, secretId) => {
    const client = clients.get(region) ?? new sm.SecretsManagerClient({ region });
    clients.set(region, client);
    try {
      const out = await client.send(new sm.DescribeSecretCommand({ SecretId: secretId }));
      return { versionIdsToStages: out.VersionIdsToStages };
    } catch (e) {
      if (e instanceof sm.ResourceNotFoundException) return "not found";
      throw e;
    }
  };
}
