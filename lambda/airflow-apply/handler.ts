/**
 * Applies the pools and plain variables the config declares, through InvokeRestApi. Invoked by
 * Terraform's aws_lambda_invocation with lifecycle_scope "CRUD": on create and update it makes the
 * declared ones so and deletes those the previous input declared and this one drops; on destroy it
 * deletes what it declared. Never the default pool, never anything it was not given. Fails (and so
 * fails the apply) when the environment is not AVAILABLE or the call is refused; the result lists
 * every change.
 */
import { MWAAClient } from "@aws-sdk/client-mwaa";
import { APPLY_TIMEOUT_SECONDS, ENV_VARS, type ApplyInput } from "../airflow-state/contract";
import { AirflowRestApi, requireAvailable, type MwaaSender } from "../airflow-state/rest-client";
import { applyDeclared, formatChanges } from "../airflow-state/state";
import { beforeDeadline, deadlineSignal, type DeadlineContext } from "../runtime/deadline";

/** Time kept back from Lambda's timeout to fail with this function's own message and log line. */
export const APPLY_DEADLINE_MARGIN_MS = 5_000;

export interface ApplyResult {
  readonly environment: string;
  readonly changes: string[];
}

/** The handler with its client injected (tests pass aws-sdk-client-mock's). */
export async function applyWith(
  client: MwaaSender,
  environmentName: string,
  event: ApplyInput,
  deadline?: AbortSignal,
): Promise<ApplyResult> {
  await (deadline === undefined
    ? requireAvailable(client, environmentName)
    : beforeDeadline(deadline, "GetEnvironment", () => requireAvailable(client, environmentName)));
  const changes = await applyDeclared(new AirflowRestApi(client, environmentName), event, deadline);
  const lines = formatChanges(changes);
  console.log(JSON.stringify({ message: "applied", environment: environmentName, changes: lines }));
  return { environment: environmentName, changes: lines };
}

export async function handler(event: ApplyInput, context?: DeadlineContext): Promise<ApplyResult> {
  const name = process.env[ENV_VARS.environmentName];
  if (name === undefined || name === "") throw new Error(`${ENV_VARS.environmentName} is not set`);
  const deadline = deadlineSignal(context, APPLY_DEADLINE_MARGIN_MS, APPLY_TIMEOUT_SECONDS * 1000);
  return applyWith(new MWAAClient({}), name, event, deadline);
}
