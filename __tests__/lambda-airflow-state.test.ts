import { GetEnvironmentCommand, MWAAClient } from "@aws-sdk/client-mwaa";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { applyWith } from "../lambda/airflow-apply/handler";
import { backupWith } from "../lambda/airflow-backup/handler";
import type { BackupDocument } from "../lambda/airflow-state/contract";
import { invokeRestApiCommand } from "../lambda/airflow-state/invoke-rest-api-command";
import { AirflowRestApi } from "../lambda/airflow-state/rest-client";
import { applyPlan, planCutover, planRestore } from "../lambda/airflow-state/state";
import { FakeAirflow, dagRun, restError } from "./helpers-airflow";

/** The installed SDK's types predate the mock library's (a type mismatch only; the calls are the same). */
const mockMwaa = () => mockClient(MWAAClient as never) as unknown as ReturnType<typeof mockClient>;
/** The command the client sends (this project's on the installed 3.523.0, which has none). */
const InvokeRestApiCommand = invokeRestApiCommand();

function mockEnvironment(
  airflow: FakeAirflow,
  status = "AVAILABLE",
  version = airflow.major === 3 ? "3.0.6" : "2.10.3",
) {
  const mock = mockMwaa();
  mock
    .on(GetEnvironmentCommand as never)
    .resolves({ Environment: { Name: "env", Status: status, AirflowVersion: version } } as never);
  mock
    .on(InvokeRestApiCommand as never)
    .callsFake((input: Parameters<FakeAirflow["handle"]>[0]) => airflow.handle(input));
  return { mock, client: new MWAAClient({ region: "eu-west-1" }) };
}

afterEach(() => jest.useRealTimers());

describe.each([2, 3] as const)("apply on Airflow %i", (major) => {
  test("creates, updates and reports; a second run changes nothing", async () => {
    // GIVEN an environment with one pool that differs from the config
    const airflow = new FakeAirflow(major, {
      pools: [
        { name: "default_pool", slots: 128, description: "", include_deferred: false },
        { name: "etl", slots: 2, description: "", include_deferred: false },
      ],
    });
    const { client } = mockEnvironment(airflow);
    const input = {
      pools: [
        { name: "etl", slots: 8 },
        { name: "ml", slots: 4, includeDeferred: true },
      ],
      variables: [{ key: "region", value: "eu-west-1" }],
      tf: { action: "create" as const },
    };
    // WHEN applied twice
    const first = await applyWith(client, "env", input);
    const second = await applyWith(client, "env", { ...input, tf: { action: "update", prev_input: input } });
    // THEN
    expect(first.changes).toEqual(["pool etl: update", "pool ml: create", "variable region: create"]);
    expect(second.changes).toEqual(["pool etl: unchanged", "pool ml: unchanged", "variable region: unchanged"]);
    expect(airflow.state.pools.find((p) => p.name === "ml")).toMatchObject({ slots: 4, include_deferred: true });
  });

  test("update deletes only what the previous input declared; destroy deletes what it declared, never default_pool", async () => {
    const airflow = new FakeAirflow(major, {
      pools: [
        { name: "default_pool", slots: 128 },
        { name: "clicked", slots: 1, include_deferred: false },
      ],
    });
    const { client } = mockEnvironment(airflow);
    const before = {
      pools: [
        { name: "a", slots: 1 },
        { name: "b", slots: 1 },
      ],
      variables: [{ key: "x", value: "1" }],
    };
    await applyWith(client, "env", { ...before, tf: { action: "create" } });
    const after = { pools: [{ name: "a", slots: 1 }], variables: [] };
    const update = await applyWith(client, "env", { ...after, tf: { action: "update", prev_input: before } });
    expect(update.changes).toEqual(["pool a: unchanged", "pool b: delete", "variable x: delete"]);
    const destroy = await applyWith(client, "env", { ...after, tf: { action: "delete", prev_input: after } });
    expect(destroy.changes).toEqual(["pool a: delete"]);
    expect(airflow.state.pools.map((p) => p.name)).toEqual(["default_pool", "clicked"]);
  });
});

describe("apply fails clearly", () => {
  test("an UPDATING environment", async () => {
    const { client } = mockEnvironment(new FakeAirflow(3), "UPDATING");
    await expect(applyWith(client, "env", { pools: [], variables: [] })).rejects.toThrow(
      /^MWAA environment env is UPDATING, not AVAILABLE \(.*\): run operations\/wait-available\.sh env \S+, then deploy again \(README "First deploy"\)$/,
    );
  });

  test("a refused call names the permission", async () => {
    const mock = mockMwaa();
    mock
      .on(GetEnvironmentCommand as never)
      .resolves({ Environment: { Status: "AVAILABLE", AirflowVersion: "3.0.6" } } as never);
    mock.on(InvokeRestApiCommand as never).rejects(restError(403, "Forbidden") as never);
    await expect(
      applyWith(new MWAAClient({ region: "eu-west-1" }), "env", { pools: [{ name: "p", slots: 1 }], variables: [] }),
    ).rejects.toThrow(
      /GET \/pools\/p: refused \(403\): Forbidden; the caller needs airflow:InvokeRestApi on arn:aws:airflow:<region>:<account>:role\/env\/<Airflow role>/,
    );
  });

  test("a call with no answer within 10 s", async () => {
    const mock = mockMwaa();
    mock.on(InvokeRestApiCommand as never).callsFake(() => new Promise(() => undefined));
    const api = new AirflowRestApi(new MWAAClient({ region: "eu-west-1" }), "env", 20);
    await expect(api.call({ Method: "GET", Path: "/pools" })).rejects.toThrow(
      "GET /pools: no answer within 0.02 s (InvokeRestApi's limit is 10 s)",
    );
  });

  test("the default pool is refused as declared", async () => {
    const { client } = mockEnvironment(new FakeAirflow(2));
    await expect(
      applyWith(client, "env", { pools: [{ name: "default_pool", slots: 1 }], variables: [] }),
    ).rejects.toThrow("pool default_pool is Airflow's own");
  });
});

describe("paging", () => {
  test("reads every page by limit/offset and total_entries, halving a page over 6 MB", async () => {
    const dags = Array.from({ length: 250 }, (_, i) => ({ dag_id: `d${i}`, is_paused: i % 2 === 0 }));
    const airflow = new FakeAirflow(3, { dags });
    airflow.maxItemsPerPage = 60;
    const { client } = mockEnvironment(airflow);
    const { items, complete } = await new AirflowRestApi(client, "env").listAll("/dags", "dags");
    expect(complete).toBe(true);
    expect(items).toHaveLength(250);
    // 100 too large, 50 fits: 5 pages of 50 after the refused one.
    expect(airflow.calls.map((c) => c.QueryParameters?.limit)).toEqual([100, 50, 50, 50, 50, 50]);
  });
});

function backupDeps(client: MWAAClient) {
  const written: Record<string, string> = {};
  const metrics: unknown[] = [];
  return {
    written,
    metrics,
    deps: {
      mwaa: client,
      cloudwatch: { send: async (c: unknown) => void metrics.push(c) },
      putObject: async (bucket: string, key: string, body: string) => void (written[`${bucket}/${key}`] = body),
      now: () => new Date("2026-12-01T03:00:00.000Z"),
      remainingMs: () => 300_000,
    },
  };
}

describe("backup", () => {
  test("writes one JSON per run with date, version and counts, no secrets, and publishes success", async () => {
    const airflow = new FakeAirflow(2, {
      variables: [{ key: "region", value: "eu-west-1", description: null }],
      connections: [
        {
          connection_id: "warehouse",
          conn_type: "postgres",
          host: "db",
          login: "etl",
          schema: "dw",
          port: 5432,
          password: "***",
          extra: '{"key":"secret"}',
        },
      ],
      dags: [
        { dag_id: "daily", is_paused: false },
        { dag_id: "old", is_paused: true },
      ],
      dagRuns: Array.from({ length: 130 }, (_, i) => dagRun(2, "daily", i)),
      taskInstances: [{ dag_id: "daily", task_id: "t", state: "success" }],
    });
    const { client } = mockEnvironment(airflow);
    const { deps, written, metrics } = backupDeps(client);
    const out = await backupWith(deps, {
      environmentName: "env",
      bucket: "b",
      prefix: "airflow-state/",
      namespace: "PrivateMWAA",
    });
    expect(out.key).toBe("airflow-state/env/2026-12-01T03-00-00-000Z.json");
    const doc = JSON.parse(written["b/airflow-state/env/2026-12-01T03-00-00-000Z.json"]) as BackupDocument;
    expect(doc).toMatchObject({
      takenAt: "2026-12-01T03:00:00.000Z",
      airflowVersion: "2.10.3",
      apiMajor: 2,
      counts: { variables: 1, pools: 1, connections: 1, dags: 2, dagRuns: 130, taskInstances: 1 },
      truncated: [],
    });
    expect(JSON.stringify(doc)).not.toMatch(/secret|\*\*\*/);
    expect(metrics[0]).toBeInstanceOf(PutMetricDataCommand);
  });

  test("stops history at the time budget and says so", async () => {
    const airflow = new FakeAirflow(3, { dagRuns: Array.from({ length: 300 }, (_, i) => dagRun(3, "d", i)) });
    const { client } = mockEnvironment(airflow);
    const { deps, written } = backupDeps(client);
    const out = await backupWith(
      { ...deps, remainingMs: () => 0 },
      { environmentName: "env", bucket: "b", prefix: "p/", namespace: "N" },
    );
    expect(out.truncated).toEqual(["dagRuns", "taskInstances"]);
    expect(Object.keys(written)).toHaveLength(1);
  });

  test("an UPDATING environment fails the run (the alarm sees no success)", async () => {
    const { client } = mockEnvironment(new FakeAirflow(3), "UPDATING");
    const { deps, metrics } = backupDeps(client);
    await expect(
      backupWith(deps, { environmentName: "env", bucket: "b", prefix: "p/", namespace: "N" }),
    ).rejects.toThrow("UPDATING");
    expect(metrics).toHaveLength(0);
  });
});

describe("restore across versions", () => {
  test("a backup of an Airflow 2 environment restores into an Airflow 3 one", async () => {
    // GIVEN a backup of Airflow 2 (pools without include_deferred, as before Airflow 2.7)
    const source = new FakeAirflow(2, {
      pools: [
        { name: "default_pool", slots: 64, description: "Default pool" },
        { name: "etl", slots: 4, description: "ETL" },
      ],
      variables: [{ key: "region", value: "eu-west-1", description: null }],
      connections: [
        { connection_id: "warehouse", conn_type: "postgres", host: "db", login: "etl", schema: "dw", port: 5432 },
      ],
      dags: [
        { dag_id: "daily", is_paused: false },
        { dag_id: "gone", is_paused: false },
      ],
      dagRuns: [dagRun(2, "daily", 1)],
    });
    const a = mockEnvironment(source);
    const { deps, written } = backupDeps(a.client);
    await backupWith(deps, { environmentName: "env", bucket: "b", prefix: "p/", namespace: "N" });
    const doc = JSON.parse(Object.values(written)[0]) as BackupDocument;
    a.mock.restore();
    // WHEN planned and applied against Airflow 3
    const target = new FakeAirflow(3, { dags: [{ dag_id: "daily", is_paused: true }] });
    const b = mockEnvironment(target);
    const api = new AirflowRestApi(b.client, "candidate");
    const plan = await planRestore(api, doc);
    // THEN the plan says what it writes, and the writes pass v2's checks (include_deferred present)
    expect(plan.map((s) => `${s.kind} ${s.name}: ${s.action}`)).toEqual([
      "variable region: create",
      "pool default_pool: update",
      "pool etl: create",
      "connection warehouse: create",
      "dag daily: unpause",
      "dag gone: skip",
    ]);
    expect(await applyPlan(api, plan)).toBe(5);
    expect(target.state.pools.find((p) => p.name === "default_pool")).toMatchObject({
      slots: 64,
      include_deferred: false,
    });
    expect(target.state.connections).toEqual([
      { connection_id: "warehouse", conn_type: "postgres", host: "db", login: "etl", schema: "dw", port: 5432 },
    ]);
    expect(target.state.dags).toEqual([{ dag_id: "daily", is_paused: false }]);
    expect((await planRestore(api, doc)).filter((s) => s.request !== undefined)).toEqual([]);
  });
});

describe("cutover", () => {
  test("pauses the old environment's active DAGs and unpauses them in the candidate", async () => {
    const old = new FakeAirflow(2, {
      dags: [
        { dag_id: "a", is_paused: false },
        { dag_id: "b", is_paused: true },
        { dag_id: "c", is_paused: false },
      ],
    });
    const candidate = new FakeAirflow(3, {
      dags: [
        { dag_id: "a", is_paused: true },
        { dag_id: "b", is_paused: true },
      ],
    });
    const mock = mockMwaa();
    mock
      .on(InvokeRestApiCommand as never)
      .callsFake((input: { Name: string; Method: string; Path: string }) =>
        (input.Name === "old" ? old : candidate).handle(input),
      );
    const client = new MWAAClient({ region: "eu-west-1" });
    await expect(planCutover(new AirflowRestApi(client, "old"), new AirflowRestApi(client, "new"))).rejects.toThrow(
      "new lacks 1 DAG(s) active in old: c; deploy them to the candidate first, or pass --allow-missing to leave them paused in both",
    );
    const plan = await planCutover(new AirflowRestApi(client, "old"), new AirflowRestApi(client, "new"), {
      allowMissing: true,
    });
    expect(plan.old.map((s) => `${s.name}: ${s.action}`)).toEqual(["a: pause", "c: pause"]);
    expect(plan.candidate.map((s) => `${s.name}: ${s.action}`)).toEqual(["a: unpause", "c: skip"]);
  });
});

describe("first deploy", () => {
  test("a CREATING environment: the apply fails naming the wait script with the Lambda's region", async () => {
    const { client } = mockEnvironment(new FakeAirflow(3), "CREATING");
    const region = process.env.AWS_REGION;
    process.env.AWS_REGION = "eu-west-1";
    try {
      await expect(applyWith(client, "analytics", { pools: [{ name: "p", slots: 1 }], variables: [] })).rejects.toThrow(
        'MWAA environment analytics is CREATING, not AVAILABLE (a first deploy goes on creating for tens of minutes after Terraform finishes): run operations/wait-available.sh analytics eu-west-1, then deploy again (README "First deploy")',
      );
    } finally {
      if (region === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = region;
    }
  });
});

describe("Airflow 3 masks variable values", () => {
  test("a masked value is not backed up and never restored over the target's", async () => {
    // GIVEN an Airflow 3 environment with a sensitive key, a JSON value with a sensitive key inside, and a plain one
    const source = new FakeAirflow(3, {
      variables: [
        { key: "db_password", value: "hunter2", description: null },
        { key: "conf", value: '{"user":"etl","token":"t0k"}', description: null },
        { key: "region", value: "eu-west-1", description: null },
      ],
    });
    const a = mockEnvironment(source);
    const { deps, written } = backupDeps(a.client);
    await backupWith(deps, { environmentName: "env", bucket: "b", prefix: "p/", namespace: "N" });
    const doc = JSON.parse(Object.values(written)[0]) as BackupDocument;
    a.mock.restore();
    // THEN the backup keeps no mask
    expect(doc.variables).toEqual([
      { key: "db_password", value: null, description: null },
      { key: "conf", value: null, description: null },
      { key: "region", value: "eu-west-1", description: null },
    ]);
    // WHEN restored into an environment that has the real values
    const target = new FakeAirflow(3, {
      variables: [
        { key: "db_password", value: "real", description: null },
        { key: "conf", value: '{"user":"etl","token":"real"}', description: null },
      ],
    });
    const b = mockEnvironment(target);
    const api = new AirflowRestApi(b.client, "target");
    const plan = await planRestore(api, doc);
    await applyPlan(api, plan);
    // THEN the masked ones are skipped and the target's values stay
    expect(plan.filter((s) => s.kind === "variable").map((s) => `${s.name}: ${s.action}`)).toEqual([
      "db_password: skip",
      "conf: skip",
      "region: create",
    ]);
    expect(target.state.variables.map((v) => v.value)).toEqual(["real", '{"user":"etl","token":"real"}', "eu-west-1"]);
  });

  test("apply does not PATCH an unchanged JSON or sensitive variable on every deploy, and does PATCH a changed one", async () => {
    const airflow = new FakeAirflow(3);
    const { client } = mockEnvironment(airflow);
    const input = {
      pools: [],
      variables: [
        { key: "settings", value: '{"a":1,"b":[1,2]}' },
        { key: "api_token_url", value: "https://example.com" },
        { key: "creds", value: '{"user":"etl","password":"p"}' },
      ],
      tf: { action: "create" as const },
    };
    await applyWith(client, "env", input);
    const again = await applyWith(client, "env", { ...input, tf: { action: "update", prev_input: input } });
    expect(again.changes).toEqual([
      "variable settings: unchanged",
      "variable api_token_url: unchanged",
      "variable creds: unchanged",
    ]);
    expect(airflow.calls.filter((c) => c.Method === "PATCH")).toEqual([]);
    const changed = { ...input, variables: [{ key: "api_token_url", value: "https://new.example.com" }] };
    const third = await applyWith(client, "env", {
      ...changed,
      tf: { action: "update", prev_input: { ...input, tf: undefined } },
    });
    expect(third.changes[0]).toBe("variable api_token_url: update");
    expect(airflow.state.variables.find((v) => v.key === "api_token_url")?.value).toBe("https://new.example.com");
  });
});

describe.each([2, 3] as const)("restore into Airflow %i: the default pool", (major) => {
  test("only slots, with update_mask, so the connections and pause states after it are written", async () => {
    // GIVEN a backup whose default pool differs from the target's
    const doc: BackupDocument = {
      format: 1,
      takenAt: "2026-12-01T00:00:00.000Z",
      environmentName: "old",
      airflowVersion: "3.0.6",
      apiMajor: 3,
      counts: { variables: 0, pools: 1, connections: 1, dags: 1, dagRuns: 0, taskInstances: 0 },
      variables: [],
      pools: [{ name: "default_pool", slots: 64, description: "mine", includeDeferred: true }],
      connections: [
        {
          connectionId: "warehouse",
          connType: "postgres",
          description: null,
          host: "db",
          login: null,
          schema: null,
          port: null,
        },
      ],
      dags: [{ dagId: "daily", isPaused: false }],
      dagRuns: [],
      taskInstances: [],
      truncated: [],
    };
    const target = new FakeAirflow(major, { dags: [{ dag_id: "daily", is_paused: true }] });
    const { client } = mockEnvironment(target);
    const api = new AirflowRestApi(client, "target");
    // WHEN restored
    await applyPlan(api, await planRestore(api, doc));
    // THEN
    expect(target.state.pools[0]).toMatchObject({ name: "default_pool", slots: 64, include_deferred: true });
    expect(target.state.connections).toHaveLength(1);
    expect(target.state.dags).toEqual([{ dag_id: "daily", is_paused: false }]);
  });
});

describe("apply deadline", () => {
  test("a declaration that outlasts the function fails naming what it applied", async () => {
    // GIVEN a variable whose write is still pending when the function's own deadline passes
    const airflow = new FakeAirflow(3);
    const deadline = new AbortController();
    const { mock, client } = mockEnvironment(airflow);
    mock.on(InvokeRestApiCommand as never).callsFake((input: Parameters<FakeAirflow["handle"]>[0]) => {
      if (input.Method === "POST" && input.Path === "/variables") {
        deadline.abort();
        return new Promise(() => undefined);
      }
      return airflow.handle(input);
    });
    const input = {
      pools: [{ name: "etl", slots: 2 }],
      variables: [{ key: "region", value: "eu-west-1" }],
      tf: { action: "create" as const },
    };
    // WHEN applied THEN
    await expect(applyWith(client, "env", input, deadline.signal)).rejects.toThrow(
      "variable region: no answer within the function's remaining time; applied before it: pool etl: create; deploy again to apply the rest",
    );
  });
});
