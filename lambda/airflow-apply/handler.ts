/**
 * Applies the pools and plain variables the config declares, through InvokeRestApi. Invoked by
 * Terraform's aws_lambda_invocation with lifecycle_scope "CRUD": on create and update it makes the
 * declared ones so and deletes those the previous input declared and this one drops; on destroy it
 * deletes what it declared. Never the default pool, never anything it was not given. Fails (and so
 * fails the apply) when the environment is not AVAILABLE or the call is refused; the result lists
 * every change.
 */
import { MWAAClient } from "@aws-sdk/client-mwaa";
import { ENV_VARS, type ApplyInput } from "../airflow-state/contract";
import { AirflowRestApi, requireAvailable, type MwaaSender } from "../airflow-state/rest-client";
import { applyDeclared, formatChanges } from "../airflow-state/state";

export interface ApplyResult {
  readonly environment: string;
  readonly changes: string[];
}

/** The handler with its client injected (tests pass aws-sdk-client-mock's). */
export async function applyWith(client: MwaaSender, environmentName: string, event: ApplyInput): Promise<ApplyResult> {
  await requireAvailable(client, environmentName);
  const changes = await applyDeclared(new AirflowRestApi(client, environmentName), event);
  const lines = formatChanges(changes);
  console.log(JSON.stringify({ message: "applied", environment: environmentName, changes: lines }));
  return { environment: environmentName, changes: lines };
}

export async function handler(event: ApplyInput): Promise<ApplyResult> {
  const name = process.env[ENV_VARS.environmentName];
  if (name === undefined || name === "") throw new Error(`${ENV_VARS.environmentName} is not set`);
  return applyWith(new MWAAClient({}), name, event);
}
