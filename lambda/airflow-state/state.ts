/**
 * What the apply and backup Lambdas and the CLI do with the Airflow REST API, for both versions.
 *
 * Paths and shapes: Airflow 2's stable API (apache/airflow airflow/api_connexion/openapi/v1.yaml)
 * and Airflow 3's (airflow-core/src/airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml)
 * share the paths used here: /pools, /pools/{name}, /variables, /variables/{key}, /connections,
 * /dags, /dags/{dag_id} (PATCH is_paused), /dags/~/dagRuns, and POST
 * /dags/~/dagRuns/~/taskInstances/list (page_limit/page_offset; v2's TaskInstancesBatchBody has
 * both, default 0 and 100, in Airflow's generated Python client). Lists answer
 * `{<items>, total_entries}` and page with limit/offset. Differences handled here: pools'
 * `include_deferred` (Airflow 2.7+, apache/airflow commit 70a050b; required in v2's PoolResponse),
 * v2 variables' extra `is_encrypted`, and DAG runs' date (v1 `execution_date`, v2 `logical_date`
 * and `run_after`), which a backup keeps as returned: history is a record, not restored.
 */
import type { AirflowRestApi, RestApiRequest } from "./rest-client";
import { AirflowStateError } from "./rest-client";
import { beforeDeadline, DeadlineExceeded } from "../runtime/deadline";
import {
  DEFAULT_POOL,
  type ApplyInput,
  type BackupDocument,
  type DeclaredPool,
  type DeclaredVariable,
} from "./contract";

/** One change, as reports and plans print it. */
export interface Change {
  readonly kind: "pool" | "variable" | "connection" | "dag";
  readonly name: string;
  readonly action: "create" | "update" | "delete" | "unchanged" | "pause" | "unpause" | "skip";
  readonly detail?: string;
}

const isNotFound = (e: unknown) => (e as { notFound?: boolean }).notFound === true;
const enc = encodeURIComponent;

async function getOrUndefined<T>(api: AirflowRestApi, path: string): Promise<T | undefined> {
  try {
    return await api.call<T>({ Method: "GET", Path: path });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

function poolBody(p: DeclaredPool): Record<string, unknown> {
  return {
    name: p.name,
    slots: p.slots,
    description: p.description ?? "",
    include_deferred: p.includeDeferred ?? false,
  };
}

function variableBody(v: DeclaredVariable): Record<string, unknown> {
  return { key: v.key, value: v.value, description: v.description ?? "" };
}

async function upsert(
  api: AirflowRestApi,
  kind: "pool" | "variable",
  collection: string,
  name: string,
  body: Record<string, unknown>,
  same: (current: Record<string, unknown>) => boolean,
  dryRun: boolean,
): Promise<Change> {
  const current = await getOrUndefined<Record<string, unknown>>(api, `${collection}/${enc(name)}`);
  if (current === undefined) {
    if (!dryRun) await api.call({ Method: "POST", Path: collection, Body: body });
    return { kind, name, action: "create" };
  }
  if (same(current)) return { kind, name, action: "unchanged" };
  if (!dryRun) await api.call({ Method: "PATCH", Path: `${collection}/${enc(name)}`, Body: body });
  return { kind, name, action: "update" };
}

/**
 * Airflow 3's VariableResponse masks values (apache/airflow airflow-core/src/airflow/api_fastapi/core_api/
 * datamodels/variables.py, redact_val): a value under a sensitive-looking key becomes "***", and a JSON
 * value is parsed, its sensitive keys masked, and re-serialized (json.dumps), so its text differs from
 * what was written even when nothing is masked.
 */
export const MASK = "***";
const isMasked = (value: string) => value.includes(MASK);

function parsedOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** `current` (as the API returned it, "***" where masked) matches `wanted`; `masked` lets "***" match anything. */
function matches(current: unknown, wanted: unknown, masked: boolean): boolean {
  if (masked && current === MASK) return true;
  if (Array.isArray(current))
    return (
      Array.isArray(wanted) &&
      current.length === wanted.length &&
      current.every((item, i) => matches(item, wanted[i], masked))
    );
  if (current !== null && typeof current === "object") {
    if (wanted === null || typeof wanted !== "object" || Array.isArray(wanted)) return false;
    const keys = Object.keys(current);
    const w = wanted as Record<string, unknown>;
    return (
      keys.length === Object.keys(w).length &&
      keys.every((k) => k in w && matches((current as Record<string, unknown>)[k], w[k], masked))
    );
  }
  return current === wanted;
}

/** Same value, JSON compared parsed. */
const sameValue = (a: string, b: string) => a === b || matches(parsedOrText(a), parsedOrText(b), false);

/**
 * Whether the variable as read equals the declared one. A masked value cannot be compared: it counts as
 * unchanged only when it matches outside the masks and the declared value is the one written last time
 * (`previous`, Terraform's prev_input); otherwise it is written again.
 */
const sameVariable = (v: DeclaredVariable, previous?: string) => (c: Record<string, unknown>) => {
  if ((c.description ?? "") !== (v.description ?? "")) return false;
  const current = typeof c.value === "string" ? c.value : JSON.stringify(c.value ?? null);
  if (sameValue(current, v.value)) return true;
  return (
    isMasked(current) &&
    previous !== undefined &&
    sameValue(previous, v.value) &&
    matches(parsedOrText(current), parsedOrText(v.value), true)
  );
};

const samePool = (p: DeclaredPool) => (c: Record<string, unknown>) =>
  c.slots === p.slots &&
  (c.description ?? "") === (p.description ?? "") &&
  (c.include_deferred ?? false) === (p.includeDeferred ?? false);

async function remove(api: AirflowRestApi, kind: "pool" | "variable", path: string, name: string): Promise<Change> {
  try {
    await api.call({ Method: "DELETE", Path: path });
    return { kind, name, action: "delete" };
  } catch (e) {
    if (isNotFound(e)) return { kind, name, action: "unchanged", detail: "already gone" };
    throw e;
  }
}

/**
 * Makes the declared pools and variables so; deletes only those the previous input declared and
 * this one does not (a delete action declares nothing). Never the default pool.
 */
export async function applyDeclared(api: AirflowRestApi, input: ApplyInput, deadline?: AbortSignal): Promise<Change[]> {
  const deleting = input.tf?.action === "delete";
  const pools = deleting ? [] : input.pools;
  const variables = deleting ? [] : input.variables;
  const prev = input.tf?.action === "create" ? undefined : (input.tf?.prev_input ?? (deleting ? input : undefined));
  if (pools.some((p) => p.name === DEFAULT_POOL))
    throw new AirflowStateError(`pool ${DEFAULT_POOL} is Airflow's own and not managed here`);
  const changes: Change[] = [];
  // Each step raced against the function's own deadline, so a declaration too large for one run fails
  // naming what it applied, not with Lambda's timeout.
  const step = async (what: string, work: () => Promise<Change>) => {
    try {
      changes.push(deadline === undefined ? await work() : await beforeDeadline(deadline, what, work));
    } catch (e) {
      if (!(e instanceof DeadlineExceeded)) throw e;
      const done = formatChanges(changes);
      throw new AirflowStateError(
        `${e.message}; applied before it: ${done.length > 0 ? done.join(", ") : "nothing"}; deploy again to apply the rest`,
      );
    }
  };
  for (const p of pools)
    await step(`pool ${p.name}`, () => upsert(api, "pool", "/pools", p.name, poolBody(p), samePool(p), false));
  const previousValues = new Map((prev?.variables ?? []).map((v) => [v.key, v.value]));
  for (const v of variables)
    await step(`variable ${v.key}`, () =>
      upsert(api, "variable", "/variables", v.key, variableBody(v), sameVariable(v, previousValues.get(v.key)), false),
    );
  const keepPools = new Set(pools.map((p) => p.name));
  const keepVariables = new Set(variables.map((v) => v.key));
  for (const p of prev?.pools ?? []) {
    if (!keepPools.has(p.name) && p.name !== DEFAULT_POOL)
      await step(`pool ${p.name}`, () => remove(api, "pool", `/pools/${enc(p.name)}`, p.name));
  }
  for (const v of prev?.variables ?? []) {
    if (!keepVariables.has(v.key))
      await step(`variable ${v.key}`, () => remove(api, "variable", `/variables/${enc(v.key)}`, v.key));
  }
  return changes;
}

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

/** Reads everything the API can read, history within `deadline` (epoch ms). */
export async function takeBackup(
  api: AirflowRestApi,
  meta: { airflowVersion: string; takenAt: Date; deadline?: number },
): Promise<BackupDocument> {
  const truncated: string[] = [];
  const apiMajor = meta.airflowVersion.startsWith("3.") ? 3 : 2;
  const variables = (await api.listAll<Row>("/variables", "variables")).items.map((v) => {
    const value = typeof v.value === "string" ? v.value : v.value == null ? "" : JSON.stringify(v.value);
    // Airflow 2's v1 API returns values as stored; a masked v2 value is not the value, so not backed up.
    return {
      key: String(v.key),
      value: apiMajor === 3 && isMasked(value) ? null : value,
      description: str(v.description),
    };
  });
  const pools = (await api.listAll<Row>("/pools", "pools")).items.map((p) => ({
    name: String(p.name),
    slots: Number(p.slots),
    description: str(p.description),
    includeDeferred: typeof p.include_deferred === "boolean" ? p.include_deferred : null,
  }));
  // Only non-secret fields: password and extra (which often holds keys) never enter a backup.
  const connections = (await api.listAll<Row>("/connections", "connections")).items.map((c) => ({
    connectionId: String(c.connection_id),
    connType: String(c.conn_type ?? ""),
    description: str(c.description),
    host: str(c.host),
    login: str(c.login),
    schema: str(c.schema),
    port: num(c.port),
  }));
  const dags = (await api.listAll<Row>("/dags", "dags")).items.map((d) => ({
    dagId: String(d.dag_id),
    isPaused: d.is_paused === true,
  }));
  const runs = await api.listAll<Row>("/dags/~/dagRuns", "dag_runs", { deadline: meta.deadline });
  if (!runs.complete) truncated.push("dagRuns");
  const tis = runs.complete
    ? await api.listAll<Row>("/dags/~/dagRuns/~/taskInstances/list", "task_instances", {
        deadline: meta.deadline,
        batch: true,
      })
    : { items: [], complete: false };
  if (!tis.complete) truncated.push("taskInstances");
  return {
    format: 1,
    takenAt: meta.takenAt.toISOString(),
    environmentName: api.environmentName,
    airflowVersion: meta.airflowVersion,
    apiMajor,
    counts: {
      variables: variables.length,
      pools: pools.length,
      connections: connections.length,
      dags: dags.length,
      dagRuns: runs.items.length,
      taskInstances: tis.items.length,
    },
    variables,
    pools,
    connections,
    dags,
    dagRuns: runs.items,
    taskInstances: tis.items,
    truncated,
  };
}

/** A restore step: what it does, and the call that does it (undefined: nothing to write). */
export interface PlannedWrite extends Change {
  readonly request?: RestApiRequest;
}

/**
 * What a restore of `doc` into the environment behind `api` would write: variables and pools
 * created or updated, connections' non-secret fields created when missing (an existing connection
 * is left alone: its password may be set), pause states of DAGs the target knows. Run history is
 * not written: the REST API has no way to write it as history.
 */
export async function planRestore(api: AirflowRestApi, doc: BackupDocument): Promise<PlannedWrite[]> {
  const plan: PlannedWrite[] = [];
  const [variables, pools, connections, dags] = await Promise.all([
    api.listAll<Row>("/variables", "variables"),
    api.listAll<Row>("/pools", "pools"),
    api.listAll<Row>("/connections", "connections"),
    api.listAll<Row>("/dags", "dags"),
  ]);
  const byKey = <T extends Row>(rows: T[], key: string) => new Map(rows.map((r) => [String(r[key]), r]));
  const haveVariables = byKey(variables.items, "key");
  for (const v of doc.variables) {
    if (v.value === null) {
      plan.push({
        kind: "variable",
        name: v.key,
        action: "skip",
        detail: "not backed up (masked by the API): set it by hand",
      });
      continue;
    }
    const body = { key: v.key, value: v.value, description: v.description ?? "" };
    const current = haveVariables.get(v.key);
    if (current === undefined)
      plan.push({
        kind: "variable",
        name: v.key,
        action: "create",
        request: { Method: "POST", Path: "/variables", Body: body },
      });
    else if (sameVariable({ key: v.key, value: v.value, description: v.description ?? undefined })(current))
      plan.push({ kind: "variable", name: v.key, action: "unchanged" });
    else
      plan.push({
        kind: "variable",
        name: v.key,
        action: "update",
        request: { Method: "PATCH", Path: `/variables/${enc(v.key)}`, Body: body },
      });
  }
  const havePools = byKey(pools.items, "name");
  for (const p of doc.pools) {
    // A v1 backup from before Airflow 2.7 has no include_deferred: false is Airflow's own default.
    const declared: DeclaredPool = {
      name: p.name,
      slots: p.slots,
      description: p.description ?? undefined,
      includeDeferred: p.includeDeferred ?? false,
    };
    const current = havePools.get(p.name);
    if (p.name === DEFAULT_POOL) {
      if (current !== undefined) plan.push(...defaultPoolPlan(declared, current, p.includeDeferred !== null));
      continue;
    }
    if (current === undefined)
      plan.push({
        kind: "pool",
        name: p.name,
        action: "create",
        request: { Method: "POST", Path: "/pools", Body: poolBody(declared) },
      });
    else if (samePool(declared)(current)) plan.push({ kind: "pool", name: p.name, action: "unchanged" });
    else
      plan.push({
        kind: "pool",
        name: p.name,
        action: "update",
        request: { Method: "PATCH", Path: `/pools/${enc(p.name)}`, Body: poolBody(declared) },
      });
  }
  const haveConnections = byKey(connections.items, "connection_id");
  for (const c of doc.connections) {
    if (haveConnections.has(c.connectionId)) {
      plan.push({ kind: "connection", name: c.connectionId, action: "unchanged", detail: "exists; left alone" });
      continue;
    }
    const body: Record<string, unknown> = { connection_id: c.connectionId, conn_type: c.connType };
    for (const [field, value] of [
      ["description", c.description],
      ["host", c.host],
      ["login", c.login],
      ["schema", c.schema],
      ["port", c.port],
    ] as const)
      if (value !== null) body[field] = value;
    plan.push({
      kind: "connection",
      name: c.connectionId,
      action: "create",
      detail: "without password or extra: set them in the UI or Secrets Manager",
      request: { Method: "POST", Path: "/connections", Body: body },
    });
  }
  plan.push(...pausePlan(doc.dags, dags.items));
  return plan;
}

/**
 * The default pool takes only slots and include_deferred, each named in update_mask: Airflow 3 answers
 * 400 "Only slots and included_deferred can be modified on Default Pool" otherwise (apache/airflow
 * airflow-core/src/airflow/api_fastapi/core_api/services/public/pools.py, update_orm_from_pydantic;
 * routes/public/pools.py takes update_mask as a query list). Airflow 2's v1 API (airflow/api_connexion/
 * endpoints/pool_endpoint.py, patch_pool) takes update_mask=slots alone, and include_deferred alone
 * from 2.7. One field per call, so update_mask is a single value in both versions.
 */
function defaultPoolPlan(wanted: DeclaredPool, current: Row, hasDeferred: boolean): PlannedWrite[] {
  const steps: PlannedWrite[] = [];
  const patch = (field: "slots" | "include_deferred", value: unknown): PlannedWrite => ({
    kind: "pool",
    name: DEFAULT_POOL,
    action: "update",
    detail: field,
    request: {
      Method: "PATCH",
      Path: `/pools/${DEFAULT_POOL}`,
      QueryParameters: { update_mask: field },
      Body: { name: DEFAULT_POOL, [field]: value },
    },
  });
  if (current.slots !== wanted.slots) steps.push(patch("slots", wanted.slots));
  if (hasDeferred && (current.include_deferred ?? false) !== (wanted.includeDeferred ?? false))
    steps.push(patch("include_deferred", wanted.includeDeferred ?? false));
  return steps.length > 0 ? steps : [{ kind: "pool", name: DEFAULT_POOL, action: "unchanged" }];
}

/** Pause states of `wanted` written to the DAGs `target` has; DAGs it lacks are skipped. */
export function pausePlan(wanted: { dagId: string; isPaused: boolean }[], target: Row[]): PlannedWrite[] {
  const have = new Map(target.map((d) => [String(d.dag_id), d.is_paused === true]));
  return wanted.map((d): PlannedWrite => {
    const current = have.get(d.dagId);
    if (current === undefined)
      return { kind: "dag", name: d.dagId, action: "skip", detail: "not in the target environment" };
    if (current === d.isPaused) return { kind: "dag", name: d.dagId, action: "unchanged" };
    return {
      kind: "dag",
      name: d.dagId,
      action: d.isPaused ? "pause" : "unpause",
      request: { Method: "PATCH", Path: `/dags/${enc(d.dagId)}`, Body: { is_paused: d.isPaused } },
    };
  });
}

/**
 * The cutover of a side-by-side migration: every DAG unpaused in the old environment is paused
 * there, and unpaused in the candidate. Old-environment writes first (no DAG runs twice). `active`
 * (the DAGs that were active in the old environment, saved before the first write) resumes a cutover
 * cut short: recomputed, it would miss the DAGs already paused there. An active DAG the candidate
 * lacks is refused unless `allowMissing`: it would end up paused in both environments.
 */
export async function planCutover(
  old: AirflowRestApi,
  candidate: AirflowRestApi,
  options: { active?: readonly string[]; allowMissing?: boolean } = {},
): Promise<{ active: string[]; old: PlannedWrite[]; candidate: PlannedWrite[] }> {
  const [oldDags, candidateDags] = await Promise.all([
    old.listAll<Row>("/dags", "dags"),
    candidate.listAll<Row>("/dags", "dags"),
  ]);
  const active = options.active
    ? [...options.active]
    : oldDags.items.filter((d) => d.is_paused !== true).map((d) => String(d.dag_id));
  const known = new Set(candidateDags.items.map((d) => String(d.dag_id)));
  const missing = active.filter((id) => !known.has(id));
  if (missing.length > 0 && options.allowMissing !== true)
    throw new AirflowStateError(
      `${candidate.environmentName} lacks ${missing.length} DAG(s) active in ${old.environmentName}: ${missing.join(", ")}; deploy them to the candidate first, or pass --allow-missing to leave them paused in both`,
    );
  return {
    active,
    old: pausePlan(
      active.map((dagId) => ({ dagId, isPaused: true })),
      oldDags.items,
    ),
    candidate: pausePlan(
      active.map((dagId) => ({ dagId, isPaused: false })),
      candidateDags.items,
    ),
  };
}

/** Runs a plan's writes in order; returns how many it made. */
export async function applyPlan(api: AirflowRestApi, plan: PlannedWrite[]): Promise<number> {
  let writes = 0;
  for (const step of plan) {
    if (step.request === undefined) continue;
    await api.call(step.request);
    writes += 1;
  }
  return writes;
}

/** One line per change, e.g. "pool etl: create". */
export function formatChanges(changes: readonly Change[]): string[] {
  return changes.map((c) => `${c.kind} ${c.name}: ${c.action}${c.detail !== undefined ? ` (${c.detail})` : ""}`);
}
