import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import type { ExecutionRole } from "./execution-role";
import type { AirflowState } from "../model/airflow-state";
import { withName } from "./private/naming";

export interface AirflowSecretsProps {
  /** The stack's name (the config's `name`), for descriptions: it outlives any one environment. */
  readonly stackName: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly backend: NonNullable<AirflowState["secretsBackend"]>;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The connections and secret variables of Airflow's Secrets Manager backend, once per stack. They
 * belong to the stack, not to an environment: during a migration both environments read the same
 * secrets (one name each: Secrets Manager refuses a second secret of the same name), and finishing a
 * migration leaves their addresses alone. A moved address would delete and recreate them, and a
 * deleted secret keeps its name through its 7 to 30 day recovery window (Secrets Manager API
 * reference, DeleteSecret), so the recreate would fail.
 */
export class AirflowSecrets extends Construct {
  /** Created secrets by `<prefix>/<name>`. */
  readonly secrets: Record<string, SecretsmanagerSecret> = {};
  /** The secrets the config references by ARN instead of creating them. */
  readonly existingSecretArns: string[] = [];
  private readonly props: AirflowSecretsProps;

  constructor(scope: Construct, id: string, props: AirflowSecretsProps) {
    super(scope, id);
    this.props = props;
    const { backend, tags = {} } = props;
    const declare = (
      kind: "Connection" | "Variable",
      prefix: string,
      refs: readonly { name: string; description?: string; existingSecretArn?: string }[],
    ) => {
      for (const ref of refs) {
        if (ref.existingSecretArn !== undefined) {
          this.existingSecretArns.push(ref.existingSecretArn);
          continue;
        }
        const name = `${prefix}/${ref.name}`;
        // No aws_secretsmanager_secret_version: the value never passes through config or state.
        this.secrets[name] = new SecretsmanagerSecret(this, `${kind}_${ref.name}`, {
          name,
          description: ref.description ?? `Airflow ${kind.toLowerCase()} ${ref.name} of MWAA ${props.stackName}`,
          kmsKeyId: backend.kmsKeyArn,
          tags: withName(tags, name),
        });
      }
    };
    declare("Connection", backend.connectionsPrefix, backend.connections);
    declare("Variable", backend.variablesPrefix, backend.variables);
  }

  /** Lets an environment's execution role read exactly the two prefixes and the referenced secrets, and decrypt them through Secrets Manager. */
  grantRead(executionRole: ExecutionRole): void {
    const { backend, partition, region, accountId } = this.props;
    const secretArn = (prefix: string) => `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${prefix}/*`;
    executionRole.addToRolePolicy({
      sid: "ReadAirflowSecrets",
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: [secretArn(backend.connectionsPrefix), secretArn(backend.variablesPrefix), ...this.existingSecretArns],
    });
    if (backend.kmsKeyArn !== undefined) {
      executionRole.addToRolePolicy({
        sid: "DecryptAirflowSecrets",
        actions: ["kms:Decrypt"],
        resources: [backend.kmsKeyArn],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${region}.amazonaws.com`] },
        ],
      });
    }
  }
}
