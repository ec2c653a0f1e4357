/**
 * A fake Airflow behind a mocked InvokeRestApi, with the request and response shapes of Airflow 2's
 * REST API v1 and Airflow 3's v2 (see lambda/airflow-state/state.ts for the sources), for the
 * airflow-state tests. Errors are thrown as the SDK throws them: RestApiClientException /
 * RestApiServerException with RestApiStatusCode and RestApiResponse.
 */
type Row = Record<string, unknown>;

export interface FakeAirflowState {
  pools: Row[];
  variables: Row[];
  connections: Row[];
  dags: Row[];
  dagRuns: Row[];
  taskInstances: Row[];
}

export function restError(status: number, detail: string): Error {
  return Object.assign(new Error(detail), {
    name: status >= 500 ? "RestApiServerException" : "RestApiClientException",
    RestApiStatusCode: status,
    RestApiResponse: { detail, status },
  });
}

export class FakeAirflow {
  readonly calls: { Method: string; Path: string; QueryParameters?: Row; Body?: Row }[] = [];
  readonly state: FakeAirflowState;
  /** Largest page (items) the fake answers before it fails as over 6 MB. */
  maxItemsPerPage = Number.POSITIVE_INFINITY;

  constructor(
    readonly major: 2 | 3,
    state: Partial<FakeAirflowState> = {},
  ) {
    this.state = {
      pools: [{ name: "default_pool", slots: 128, description: "Default pool", include_deferred: false }],
      variables: [],
      connections: [],
      dags: [],
      dagRuns: [],
      taskInstances: [],
      ...state,
    };
  }

  private page(items: Row[], key: string, limit: number, offset: number): Row {
    if (limit > this.maxItemsPerPage && items.length > this.maxItemsPerPage)
      throw restError(413, "Response size exceeds the 6 MB limit");
    return { [key]: items.slice(offset, offset + limit), total_entries: items.length };
  }

  /**
   * Airflow 3's VariableResponse.redact_val (apache/airflow airflow-core/src/airflow/api_fastapi/core_api/
   * datamodels/variables.py): a JSON value is parsed, its sensitive keys masked and re-dumped with
   * Python's json.dumps separators; any other value under a sensitive key becomes "***". Sensitive: a
   * name containing one of DEFAULT_SENSITIVE_FIELDS (shared/secrets_masker/.../secrets_masker.py; a subset here).
   */
  private variableOut(v: Row): Row {
    if (this.major === 2) return { ...v };
    return {
      ...v,
      value: typeof v.value === "string" ? redactVal(v.value, String(v.key)) : v.value,
      is_encrypted: true,
    };
  }

  handle(input: { Method: string; Path: string; QueryParameters?: Row; Body?: Row }): {
    RestApiStatusCode: number;
    RestApiResponse: unknown;
  } {
    this.calls.push(input);
    const { Method, Path, QueryParameters: q = {}, Body: b = {} } = input;
    const limit = Number(q.limit ?? b.page_limit ?? 100);
    const offset = Number(q.offset ?? b.page_offset ?? 0);
    const ok = (body: unknown, code = 200) => ({ RestApiStatusCode: code, RestApiResponse: body });
    const seg = Path.split("/").slice(1).map(decodeURIComponent);
    const s = this.state;
    if (seg[0] === "pools") {
      if (seg.length === 1 && Method === "GET") return ok(this.page(s.pools, "pools", limit, offset));
      if (seg.length === 1 && Method === "POST") {
        if (s.pools.some((p) => p.name === b.name)) throw restError(409, "Pool already exists");
        s.pools.push({ ...b });
        return ok(b);
      }
      const i = s.pools.findIndex((p) => p.name === seg[1]);
      if (i < 0) throw restError(404, `Pool with name: '${seg[1]}' not found`);
      if (Method === "GET") return ok(s.pools[i]);
      if (Method === "PATCH" && seg[1] === "default_pool") {
        // Airflow 3: services/public/pools.py update_orm_from_pydantic; Airflow 2: api_connexion pool_endpoint.patch_pool.
        const mask = String(q.update_mask ?? "")
          .split(",")
          .map((m) => m.trim())
          .filter((m) => m !== "");
        const maskOk = mask.length > 0 && mask.every((m) => m === "slots" || m === "include_deferred");
        if (this.major === 3 && !maskOk)
          throw restError(400, "Only slots and included_deferred can be modified on Default Pool");
        if (this.major === 2 && b.name !== "default_pool" && !maskOk)
          throw restError(400, "Default Pool's name can't be modified");
        const fields = mask.length > 0 ? mask : Object.keys(b).filter((k) => k !== "name");
        for (const f of fields) s.pools[i][f] = b[f];
        return ok(s.pools[i]);
      }
      if (Method === "PATCH") {
        // Airflow 3's PoolPatchBody is checked against PoolResponse, where include_deferred is required.
        if (this.major === 3 && typeof b.include_deferred !== "boolean")
          throw restError(422, "include_deferred: Field required");
        s.pools[i] = { ...s.pools[i], ...b };
        return ok(s.pools[i]);
      }
      if (Method === "DELETE") {
        if (seg[1] === "default_pool") throw restError(400, "Default Pool can't be deleted");
        s.pools.splice(i, 1);
        return ok(null, 204);
      }
    }
    if (seg[0] === "variables") {
      if (seg.length === 1 && Method === "GET")
        return ok(
          this.page(
            s.variables.map((v) => this.variableOut(v)),
            "variables",
            limit,
            offset,
          ),
        );
      if (seg.length === 1 && Method === "POST") {
        s.variables.push({ key: b.key, value: b.value, description: b.description ?? null });
        return ok(this.variableOut(b));
      }
      const i = s.variables.findIndex((v) => v.key === seg[1]);
      if (i < 0) throw restError(404, `Variable with key: '${seg[1]}' not found`);
      if (Method === "GET") return ok(this.variableOut(s.variables[i]));
      if (Method === "PATCH") {
        s.variables[i] = { ...s.variables[i], ...b };
        return ok(this.variableOut(s.variables[i]));
      }
      if (Method === "DELETE") {
        s.variables.splice(i, 1);
        return ok(null, 204);
      }
    }
    if (seg[0] === "connections") {
      if (Method === "GET") return ok(this.page(s.connections, "connections", limit, offset));
      if (Method === "POST") {
        s.connections.push({ ...b });
        return ok(b);
      }
    }
    if (seg[0] === "dags") {
      if (seg.length === 1 && Method === "GET") return ok(this.page(s.dags, "dags", limit, offset));
      if (seg.length === 2 && Method === "PATCH") {
        const dag = s.dags.find((d) => d.dag_id === seg[1]);
        if (dag === undefined) throw restError(404, "DAG not found");
        dag.is_paused = b.is_paused;
        return ok(dag);
      }
      if (seg[1] === "~" && seg[2] === "dagRuns" && seg.length === 3 && Method === "GET")
        return ok(this.page(s.dagRuns, "dag_runs", limit, offset));
      if (Path === "/dags/~/dagRuns/~/taskInstances/list" && Method === "POST")
        return ok(this.page(s.taskInstances, "task_instances", limit, offset));
    }
    throw restError(404, `no route ${Method} ${Path}`);
  }
}

const SENSITIVE = ["password", "secret", "token", "api_key", "private_key", "access_key", "passphrase"];
const sensitive = (name: string) => SENSITIVE.some((s) => name.toLowerCase().includes(s));

function redactAll(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactAll);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, item]) => [k, redactAll(item)]));
  return "***";
}

function redact(value: unknown, name: string | undefined): unknown {
  if (name !== undefined && sensitive(name)) return redactAll(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, undefined));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, item]) => [k, redact(item, k)]));
  return value;
}

/** Python's json.dumps(value): ", " and ": " separators. */
function pythonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, item]) => `${JSON.stringify(k)}: ${pythonDumps(item)}`)
      .join(", ")}}`;
  return JSON.stringify(value);
}

function redactVal(value: string, key: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return String(redact(value, key));
  }
  return pythonDumps(redact(parsed, key));
}

/** DAG runs as each API version returns them. */
export function dagRun(major: 2 | 3, dagId: string, n: number): Row {
  const date = `2026-11-${String(1 + (n % 28)).padStart(2, "0")}T00:00:00+00:00`;
  return major === 2
    ? { dag_id: dagId, dag_run_id: `scheduled__${date}`, execution_date: date, logical_date: date, state: "success" }
    : { dag_id: dagId, dag_run_id: `scheduled__${date}`, logical_date: date, run_after: date, state: "success" };
}
