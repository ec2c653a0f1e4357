import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetEnvironmentCommand, MWAAClient } from "@aws-sdk/client-mwaa";
import { mockClient } from "aws-sdk-client-mock";
import type { BackupDocument } from "../lambda/airflow-state/contract";
import { invokeRestApiCommand } from "../lambda/airflow-state/invoke-rest-api-command";
import { main } from "../operations/airflow-state/cli";
import { billableUnits } from "../cost/units";
import { summaryLines } from "../app/synth-summary";
import type { Describe } from "../operations/airflow-state/check-secrets";
import { FakeAirflow, restError } from "./helpers-airflow";

const ROOT = path.resolve(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "airflow-state-cli-"));

/** Each environment name answered by its own fake Airflow. */
function mwaaWith(envs: Record<string, FakeAirflow>): MWAAClient {
  const mock = mockClient(MWAAClient as never) as unknown as ReturnType<typeof mockClient>;
  mock.on(GetEnvironmentCommand as never).callsFake((input: { Name: string }) => ({
    Environment: {
      Name: input.Name,
      Status: "AVAILABLE",
      AirflowVersion: envs[input.Name]?.major === 2 ? "2.10.3" : "3.0.6",
    },
  }));
  mock
    .on(invokeRestApiCommand() as never)
    .callsFake((input: { Name: string; Method: string; Path: string }) => envs[input.Name].handle(input));
  return new MWAAClient({ region: "eu-west-1" });
}

/** Runs the CLI in-process; what it printed, one entry per line. */
async function run(argv: string[], mwaa = new MWAAClient({ region: "eu-west-1" }), describeSecret?: Describe) {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  const error = jest.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  try {
    return { code: await main(argv, { mwaa, describeSecret }), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const backup: BackupDocument = {
  format: 1,
  takenAt: "2026-12-01T03:00:00.000Z",
  environmentName: "old-env",
  airflowVersion: "2.10.3",
  apiMajor: 2,
  counts: { variables: 1, pools: 1, connections: 1, dags: 1, dagRuns: 0, taskInstances: 0 },
  variables: [{ key: "region", value: "eu-west-1", description: null }],
  pools: [{ name: "etl", slots: 4, description: "ETL", includeDeferred: null }],
  connections: [
    {
      connectionId: "warehouse",
      connType: "postgres",
      description: null,
      host: "db",
      login: "etl",
      schema: "dw",
      port: 5432,
    },
  ],
  dags: [{ dagId: "daily", isPaused: false }],
  dagRuns: [],
  taskInstances: [],
  truncated: [],
};
const backupFile = path.join(tmp, "backup.json");
fs.writeFileSync(backupFile, JSON.stringify(backup));

describe("airflow-state CLI: bad arguments, one line each and exit 2", () => {
  test.each([
    [[], "airflow-state no subcommand"],
    [
      ["frobnicate"],
      "airflow-state unknown subcommand frobnicate: one of backup, restore, cutover-pause, check-secrets",
    ],
    [["restore", "--env", "x"], "airflow-state restore: --from required"],
    [["restore"], "airflow-state restore: --env and --from required"],
    [["backup", "--env", "x", "--dry-run"], "airflow-state backup: --dry-run does not apply (it takes --env, --out)"],
    [["check-secrets", "--config"], "airflow-state check-secrets: Option '--config <value>' argument missing"],
    // node's own text; later Node releases add a hint after the first sentence.
    [["cutover-pause", "--config", "c.json", "--bogus"], /^airflow-state cutover-pause: Unknown option '--bogus'/],
  ])("%j", async (argv: string[], message: string | RegExp) => {
    const { code, err, out } = await run(argv);
    expect(code).toBe(2);
    expect(err[0]).toEqual(typeof message === "string" ? message : expect.stringMatching(message));
    expect(err[1]).toMatch(/^usage: npm run airflow-state -- backup/);
    expect(out).toEqual([]);
  });

  test("a missing backup file is one line, not a stack trace", () => {
    const r = spawnSync(
      process.execPath,
      [
        "-r",
        "tsx/cjs",
        "operations/airflow-state/cli.ts",
        "restore",
        "--env",
        "x",
        "--from",
        path.join(tmp, "nope.json"),
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^airflow-state: ENOENT: no such file or directory, open '.*nope\.json'$/),
    ]);
  });

  test("a file that is not a backup is refused before anything is written", async () => {
    const other = path.join(tmp, "other.json");
    fs.writeFileSync(other, "{}");
    await expect(run(["restore", "--env", "x", "--from", other])).rejects.toThrow(
      `${other}: not a backup of this tool (no "format": 1)`,
    );
  });
});

describe("restore from a file into an Airflow 3 environment", () => {
  test("--dry-run prints the plan and writes nothing", async () => {
    // GIVEN an Airflow 3 environment that has the DAG, paused
    const target = new FakeAirflow(3, { dags: [{ dag_id: "daily", is_paused: true }] });
    // WHEN
    const { code, out } = await run(
      ["restore", "--env", "new-env", "--from", backupFile, "--dry-run"],
      mwaaWith({ "new-env": target }),
    );
    // THEN
    expect(code).toBe(0);
    expect(out).toEqual([
      "restore of old-env (2.10.3, 2026-12-01T03:00:00.000Z) into new-env:",
      "  variable region: create",
      "  pool etl: create",
      "  connection warehouse: create (without password or extra: set them in the UI or Secrets Manager)",
      "  dag daily: unpause",
      "run history is not restored: the REST API cannot write it as history; the backup file stays the record",
    ]);
    expect(target.calls.filter((c) => c.Method !== "GET")).toEqual([]);
  });

  test("without --dry-run it writes the plan", async () => {
    const target = new FakeAirflow(3, { dags: [{ dag_id: "daily", is_paused: true }] });
    const { code, out } = await run(
      ["restore", "--env", "new-env", "--from", backupFile],
      mwaaWith({ "new-env": target }),
    );
    expect(code).toBe(0);
    expect(out.at(-1)).toBe("wrote 4 change(s)");
    expect(target.state.pools.find((p) => p.name === "etl")).toMatchObject({ slots: 4, include_deferred: false });
    expect(target.state.dags).toEqual([{ dag_id: "daily", is_paused: false }]);
  });
});

describe("cutover-pause", () => {
  test("--dry-run prints both plans from the config's migration and writes nothing", async () => {
    const old = new FakeAirflow(2, {
      dags: [
        { dag_id: "a", is_paused: false },
        { dag_id: "b", is_paused: true },
      ],
    });
    const candidate = new FakeAirflow(3, { dags: [{ dag_id: "a", is_paused: true }] });
    const { code, out } = await run(
      ["cutover-pause", "--config", "config/examples/migrate-to-airflow3.json", "--dry-run"],
      mwaaWith({ analytics: old, "analytics-af3": candidate }),
    );
    expect(code).toBe(0);
    expect(out).toEqual(["analytics (old):", "  dag a: pause", "analytics-af3 (candidate):", "  dag a: unpause"]);
    expect([...old.calls, ...candidate.calls].filter((c) => c.Method !== "GET")).toEqual([]);
  });

  test("a cutover cut short by a failed candidate write resumes from the saved plan", async () => {
    // GIVEN two active DAGs in the old environment, and a candidate whose first write fails
    const old = new FakeAirflow(2, {
      dags: [
        { dag_id: "a", is_paused: false },
        { dag_id: "c", is_paused: false },
      ],
    });
    const candidate = new FakeAirflow(3, {
      dags: [
        { dag_id: "a", is_paused: true },
        { dag_id: "c", is_paused: true },
      ],
    });
    const handle = candidate.handle.bind(candidate);
    let failing = true;
    candidate.handle = (input) => {
      if (failing && input.Method === "PATCH") throw restError(500, "Internal Server Error");
      return handle(input);
    };
    const planFile = path.join(tmp, "cutover", "analytics.json");
    const argv = ["cutover-pause", "--config", "config/examples/migrate-to-airflow3.json", "--plan-file", planFile];
    const mwaa = mwaaWith({ analytics: old, "analytics-af3": candidate });
    // WHEN the first run fails after pausing the old environment
    await expect(run(argv, mwaa)).rejects.toThrow(/PATCH \/dags\/a: HTTP 500/);
    expect(old.state.dags.every((d) => d.is_paused === true)).toBe(true);
    expect(JSON.parse(fs.readFileSync(planFile, "utf8"))).toEqual({
      old: "analytics",
      candidate: "analytics-af3",
      active: ["a", "c"],
    });
    // AND the same command runs again
    failing = false;
    const { code, out } = await run(argv, mwaa);
    // THEN the candidate gets the saved plan, not one recomputed from the now paused old environment
    expect(code).toBe(0);
    expect(out[0]).toBe(`resuming the cutover saved in ${planFile}`);
    expect(candidate.state.dags).toEqual([
      { dag_id: "a", is_paused: false },
      { dag_id: "c", is_paused: false },
    ]);
    expect(fs.existsSync(planFile)).toBe(false);
  });

  test("an active DAG the candidate lacks is refused before any write, unless --allow-missing", async () => {
    const old = new FakeAirflow(2, { dags: [{ dag_id: "only-old", is_paused: false }] });
    const candidate = new FakeAirflow(3, { dags: [] });
    const argv = ["cutover-pause", "--config", "config/examples/migrate-to-airflow3.json"];
    argv.push("--plan-file", path.join(tmp, "refused.json"));
    await expect(run(argv, mwaaWith({ analytics: old, "analytics-af3": candidate }))).rejects.toThrow(
      /analytics-af3 lacks 1 DAG\(s\) active in analytics: only-old/,
    );
    expect(old.calls.filter((c) => c.Method !== "GET")).toEqual([]);
    const { code } = await run([...argv, "--allow-missing"], mwaaWith({ analytics: old, "analytics-af3": candidate }));
    expect(code).toBe(0);
  });

  test("a config without a migration is one line", async () => {
    await expect(run(["cutover-pause", "--config", "config/examples/airflow-state.json", "--dry-run"])).rejects.toThrow(
      "config/examples/airflow-state.json: no environment with migration",
    );
  });
});

describe("check-secrets", () => {
  test("names each declared secret without a value and the command that sets it; exit 1", async () => {
    // GIVEN the example's two secrets, only the connection set
    const asked: string[] = [];
    const describe: Describe = async (region, secretId) => {
      asked.push(`${region} ${secretId}`);
      return secretId.startsWith("airflow/analytics-state/connections/")
        ? { versionIdsToStages: { v1: ["AWSCURRENT"] } }
        : {};
    };
    // WHEN
    const { code, out } = await run(
      ["check-secrets", "--config", "config/examples/airflow-state.json"],
      undefined,
      describe,
    );
    // THEN
    expect(asked).toEqual([
      "eu-west-1 airflow/analytics-state/connections/warehouse",
      "eu-west-1 airflow/analytics-state/variables/partner_api_token",
    ]);
    expect(out).toEqual([
      "analytics-state: connection warehouse (airflow/analytics-state/connections/warehouse): value set",
      "analytics-state: variable partner_api_token (airflow/analytics-state/variables/partner_api_token): NO VALUE, Airflow cannot read it: aws secretsmanager put-secret-value --region eu-west-1 --secret-id airflow/analytics-state/variables/partner_api_token --secret-string file://value.txt",
      `1 of 2 secret(s) without a value: DAGs that use them fail until it is set (docs/airflow-state.md, "Setting a secret's value")`,
    ]);
    expect(code).toBe(1);
  });

  test("a secret that does not exist counts as missing; all set is exit 0", async () => {
    const missing = await run(
      ["check-secrets", "--config", "config/examples/airflow-state.json"],
      undefined,
      async () => "not found",
    );
    expect(missing.out[0]).toBe(
      "analytics-state: connection warehouse (airflow/analytics-state/connections/warehouse): no such secret (deploy first, or check existingSecretArn)",
    );
    expect(missing.code).toBe(1);
    const all = await run(["check-secrets", "--config", "config/examples/airflow-state.json"], undefined, async () => ({
      versionIdsToStages: { v: ["AWSCURRENT", "AWSPREVIOUS"] },
    }));
    expect(all).toMatchObject({ code: 0, out: expect.arrayContaining(["all 2 secret(s) have a value"]) });
  });
});

describe("synth says which secrets need a value", () => {
  test("one line per stack with airflowState secrets, naming them and the check", () => {
    const lines = summaryLines(
      [
        {
          name: "analytics-state",
          file: "f",
          resources: 1,
          dataSources: 0,
          units: billableUnits({}),
          secrets: [
            "airflow/analytics-state/connections/warehouse",
            "airflow/analytics-state/variables/partner_api_token",
          ],
        },
      ],
      true,
    );
    expect(lines).toContain(
      `analytics-state: 2 secrets are created without a value (airflow/analytics-state/connections/warehouse, airflow/analytics-state/variables/partner_api_token): set each after deploy (docs/airflow-state.md, "Setting a secret's value"); npm run airflow-state -- check-secrets --config <config> lists those still empty`,
    );
  });
});
