/**
 * The airflow-state Lambdas' public contract (pools/variables apply, scheduled backup): payloads,
 * environment variables and the backup document. Free of imports, so constructs read it at synth.
 */

/** A pool as the config declares it. */
export interface DeclaredPool {
  readonly name: string;
  readonly slots: number;
  readonly description?: string;
  /** Airflow 2.7+ and 3 (apache/airflow commit 70a050b, "Enable pools to consider deferred tasks"). */
  readonly includeDeferred?: boolean;
}

/** A plain (non-secret) variable as the config declares it. */
export interface DeclaredVariable {
  readonly key: string;
  readonly value: string;
  readonly description?: string;
}

/** What Terraform's aws_lambda_invocation sends to the apply Lambda. */
export interface ApplyInput {
  readonly pools: DeclaredPool[];
  readonly variables: DeclaredVariable[];
  /**
   * Added by aws_lambda_invocation with lifecycle_scope "CRUD" under terraform_key (default "tf"):
   * `action` is create, update or delete; `prev_input` the previous input on update and delete
   * (hashicorp/terraform-provider-aws, website/docs/r/lambda_invocation.html.markdown, "CRUD Lifecycle Scope").
   */
  readonly tf?: { readonly action: "create" | "update" | "delete"; readonly prev_input?: ApplyInput | null };
}

/** The apply Lambda's timeout: calls of 10 s at most, a few per declared item. */
export const APPLY_TIMEOUT_SECONDS = 300;

/** The pool Airflow creates itself and refuses to delete; never touched. */
export const DEFAULT_POOL = "default_pool";

/** Environment variables both handlers read. */
export const ENV_VARS = {
  /** Required: the MWAA environment name. */
  environmentName: "MWAA_ENVIRONMENT_NAME",
  /** Backup only: bucket name. */
  bucket: "BACKUP_BUCKET",
  /** Backup only: key prefix, ending in "/". */
  prefix: "BACKUP_PREFIX",
  /** Backup only: CloudWatch namespace of the success metric. */
  namespace: "METRIC_NAMESPACE",
} as const;

/** Published once per successful backup (Count, value 1, dimension Environment); the alarm treats missing data as breaching. */
export const BACKUP_SUCCESS_METRIC = "AirflowStateBackupSucceeded";

/** The backup document, one JSON object per run. */
export interface BackupDocument {
  readonly format: 1;
  readonly takenAt: string;
  readonly environmentName: string;
  readonly airflowVersion: string;
  readonly apiMajor: 2 | 3;
  readonly counts: Readonly<
    Record<"variables" | "pools" | "connections" | "dags" | "dagRuns" | "taskInstances", number>
  >;
  /** value null: not backed up, because Airflow 3's API returned it masked ("***"); never restored. */
  readonly variables: { key: string; value: string | null; description: string | null }[];
  readonly pools: { name: string; slots: number; description: string | null; includeDeferred: boolean | null }[];
  /** Non-secret fields only: password and extra are never read into a backup. */
  readonly connections: {
    connectionId: string;
    connType: string;
    description: string | null;
    host: string | null;
    login: string | null;
    schema: string | null;
    port: number | null;
  }[];
  readonly dags: { dagId: string; isPaused: boolean }[];
  /** History, kept as the record: the REST API cannot write it back as history. */
  readonly dagRuns: Record<string, unknown>[];
  readonly taskInstances: Record<string, unknown>[];
  /** Lists cut short by the run's time budget (history only); empty when complete. */
  readonly truncated: string[];
}
