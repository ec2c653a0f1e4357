/**
 * Every status MWAA reports for an environment, with what it means during a version change.
 *
 * The list is the API's `EnvironmentStatus` enum as the installed SDK carries it: @aws-sdk/client-mwaa
 * 3.523.0 `dist-types/models/models_0.d.ts` (`EnvironmentStatus`; generated from the same API model
 * as botocore's `botocore/data/mwaa/2020-07-01/service-2.json`, not read here). The meanings are the
 * API's documentation of `Environment.Status` (MWAA API Reference, `Environment`; also rendered at
 * https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/mwaa/aws.sdk.kotlin.services.mwaa.model/-environment/status.html).
 * A test checks this table against the SDK's enum, so a status the SDK adds cannot be missed.
 */
export const ENVIRONMENT_STATUSES = {
  AVAILABLE: { phase: "done", says: "ready to use" },
  CREATE_FAILED: { phase: "failed", says: "the environment was not created" },
  CREATING: { phase: "busy", says: "being created" },
  CREATING_SNAPSHOT: {
    phase: "working",
    says: "MWAA is taking a snapshot of the metadata database (used to restore it if the change fails)",
  },
  DELETED: { phase: "failed", says: "the environment has been deleted" },
  DELETING: { phase: "busy", says: "being deleted" },
  MAINTENANCE: { phase: "busy", says: "under maintenance by MWAA (may be unavailable meanwhile)" },
  PENDING: { phase: "busy", says: "creation paused until its VPC endpoints exist" },
  ROLLING_BACK: {
    phase: "working",
    says: "the change failed; MWAA is restoring the environment from the snapshot (this can take long)",
  },
  UNAVAILABLE: { phase: "failed", says: "the change failed and the environment did not return to a stable state" },
  UPDATE_FAILED: {
    phase: "failed",
    says: "the change failed; the environment was restored to its previous state and is ready to use",
  },
  UPDATING: { phase: "working", says: "MWAA is changing the workers, schedulers and web server" },
} as const satisfies Record<string, { phase: "done" | "working" | "busy" | "failed"; says: string }>;

export type EnvironmentStatusName = keyof typeof ENVIRONMENT_STATUSES;

/** A status this table knows, or undefined (a newer API may report one). */
export function statusInfo(
  status: string | undefined,
): (typeof ENVIRONMENT_STATUSES)[EnvironmentStatusName] | undefined {
  return status !== undefined && Object.hasOwn(ENVIRONMENT_STATUSES, status)
    ? ENVIRONMENT_STATUSES[status as EnvironmentStatusName]
    : undefined;
}
