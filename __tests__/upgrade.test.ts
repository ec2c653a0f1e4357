import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  EnvironmentStatus,
  GetEnvironmentCommand,
  MWAAClient,
  UpdateEnvironmentCommand,
  type Environment,
} from "@aws-sdk/client-mwaa";
import { mockClient } from "aws-sdk-client-mock";
import { main, pluginsCheck } from "../operations/upgrade";
import { LATEST_2_11, NEWEST_3, majorUpgradeRefusal } from "../operations/upgrade/plan";
import { START_GRACE_MS, runUpgrade, type UpgradeDeps } from "../operations/upgrade/run";
import { ENVIRONMENT_STATUSES } from "../operations/upgrade/statuses";

// @aws-sdk/client-mwaa 3.523 is typed against older @smithy/types than aws-sdk-client-mock 4.1 (see lambda-login.test.ts).
const mwaa = mockClient(MWAAClient as never);
const Get = GetEnvironmentCommand as never;
const Update = UpdateEnvironmentCommand as never;
afterAll(() => mwaa.restore());
beforeEach(() => mwaa.reset());

const env = (Status: string, AirflowVersion: string, error?: { ErrorCode: string; ErrorMessage: string }) =>
  ({
    Environment: {
      Name: "analytics",
      Status,
      AirflowVersion,
      ...(error !== undefined ? { LastUpdate: { Status: "FAILED", Error: error } } : {}),
    } as Environment,
  }) as never;

/** GetEnvironment answers these, in order, then the last one again. */
function statuses(...answers: never[]) {
  let stub = mwaa.on(Get);
  for (const a of answers) stub = stub.resolvesOnce(a);
  stub.resolves(answers[answers.length - 1] as never);
}

function deps(check: { ok: boolean; messages: string[] } = { ok: true, messages: [] }) {
  const lines: string[] = [];
  const checks: [string, string][] = [];
  const d: UpgradeDeps = {
    mwaa: new MWAAClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }),
    checkRequirements: async (file, version) => {
      checks.push([file, version]);
      return check;
    },
    sleep: async () => undefined,
    log: (l) => lines.push(l),
  };
  return { d, lines, checks };
}

const request = {
  environmentName: "analytics",
  target: "3.3.1",
  requirementsFile: "airflow/requirements.txt",
  pollSeconds: 1,
  maxWaitMinutes: 1,
};
const updates = () =>
  mwaa.commandCalls(Update).map((c) => (c as unknown as { args: [{ input: unknown }] }).args[0].input);

describe("statuses", () => {
  test("GIVEN the SDK's EnvironmentStatus enum THEN the command describes every status it has, and no other", () => {
    expect(Object.keys(ENVIRONMENT_STATUSES).sort()).toEqual(Object.values(EnvironmentStatus).sort());
  });
});

describe("what MWAA refuses, refused before any call that changes something", () => {
  test.each([
    ["2.10.3", "3.3.1", /from 2\.10\.3 or older .* side-by-side migration/],
    ["2.9.2", "3.3.1", /from 2\.10\.3 or older/],
    [
      "2.11.0",
      "3.3.1",
      new RegExp(
        `not the latest 2\\.11\\.x \\(${LATEST_2_11.replace(/\./g, "\\.")}\\).*first set airflow\\.version to ${LATEST_2_11.replace(/\./g, "\\.")}`,
      ),
    ],
    ["3.0.6", "3.3.1", /already runs Airflow 3\.0\.6: a change within 3\.x is a minor one/],
    [LATEST_2_11, "2.11.0", /not an Airflow 3 version this project lists/],
    [LATEST_2_11, "3.9.9", /not an Airflow 3 version this project lists/],
  ])("GIVEN %s WHEN the target is %s THEN refused with the reason", async (from, to, reason) => {
    statuses(env("AVAILABLE", from));
    const { d } = deps();
    const out = await runUpgrade({ ...request, target: to }, d);
    expect(out).toMatchObject({ exitCode: 1, kind: "refused" });
    expect(out.message).toMatch(reason);
    expect(updates()).toEqual([]);
  });

  test("GIVEN the latest 2.11.x and a listed 3.x THEN nothing is refused (negative control)", () => {
    expect(majorUpgradeRefusal(LATEST_2_11, NEWEST_3)).toBeUndefined();
  });

  test("GIVEN an environment being created THEN refused, naming its status", async () => {
    statuses(env("CREATING", LATEST_2_11));
    const out = await runUpgrade(request, deps().d);
    expect(out.message).toMatch(/analytics is CREATING; MWAA updates an environment that is AVAILABLE/);
    expect(updates()).toEqual([]);
  });

  test("GIVEN requirements that do not fit the target WHEN checked THEN refused with the checker's messages, before UpdateEnvironment", async () => {
    statuses(env("AVAILABLE", LATEST_2_11));
    const { d, checks } = deps({ ok: false, messages: ["apache-airflow-providers-foo==1.0: needs apache-airflow<3"] });
    const out = await runUpgrade(request, d);
    expect(checks).toEqual([["airflow/requirements.txt", "3.3.1"]]);
    expect(out).toMatchObject({ exitCode: 1, kind: "refused" });
    expect(out.message).toContain(
      "does not fit Airflow 3.3.1:\n  apache-airflow-providers-foo==1.0: needs apache-airflow<3",
    );
    expect(updates()).toEqual([]);
  });
});

describe("every status path", () => {
  test("GIVEN the latest 2.11.x WHEN upgraded THEN UpdateEnvironment names only the version, every status is shown, and the end says what to change in the config", async () => {
    statuses(
      env("AVAILABLE", LATEST_2_11),
      env("UPDATING", LATEST_2_11),
      env("CREATING_SNAPSHOT", LATEST_2_11),
      env("UPDATING", LATEST_2_11),
      env("AVAILABLE", "3.3.1"),
    );
    const { d, lines } = deps();
    const out = await runUpgrade(request, d);
    expect(updates()).toEqual([{ Name: "analytics", AirflowVersion: "3.3.1" }]);
    const shown = lines.filter((l) => /^\d{4}-/.test(l)).map((l) => l.split(" ")[1]);
    expect(shown).toEqual(["UPDATING:", "CREATING_SNAPSHOT:", "UPDATING:", "AVAILABLE:"]);
    expect(out).toMatchObject({ exitCode: 0, kind: "upgraded" });
    expect(out.message).toMatch(
      /runs Airflow 3\.3\.1, metadata kept\. Next: remove airflow\.majorUpgradeInPlace from the config in a later change; .* that plan shows no change to it/,
    );
  });

  test("GIVEN MWAA rolls back WHEN it ends UPDATE_FAILED THEN exit 2, rolled back, with MWAA's error and the advice to keep the config", async () => {
    statuses(
      env("AVAILABLE", LATEST_2_11),
      env("UPDATING", LATEST_2_11),
      env("ROLLING_BACK", LATEST_2_11),
      env("UPDATE_FAILED", LATEST_2_11, {
        ErrorCode: "INCORRECT_CONFIGURATION",
        ErrorMessage: "requirements failed to install",
      }),
    );
    const { d, lines } = deps();
    const out = await runUpgrade(request, d);
    expect(
      lines.some((l) =>
        l.includes("ROLLING_BACK: the change failed; MWAA is restoring the environment from the snapshot"),
      ),
    ).toBe(true);
    expect(out).toMatchObject({ exitCode: 2, kind: "rolled-back" });
    expect(out.message).toContain(
      `failed (UPDATE_FAILED): restored to Airflow ${LATEST_2_11} and ready to use. MWAA says: INCORRECT_CONFIGURATION: requirements failed to install`,
    );
    expect(out.message).toContain(
      `Keep airflow.majorUpgradeInPlace in the config (without it Terraform would replace the environment to reach the config's version)`,
    );
    expect(out.message).toContain(
      `fix the cause (docs/upgrades.md) and run the command again with --retry, or set airflow.version back to ${LATEST_2_11} and then remove the field`,
    );
  });

  test("GIVEN the update fails without a stable state WHEN UNAVAILABLE THEN exit 2, failed", async () => {
    statuses(env("AVAILABLE", LATEST_2_11), env("UPDATING", LATEST_2_11), env("UNAVAILABLE", LATEST_2_11));
    const out = await runUpgrade(request, deps().d);
    expect(out).toMatchObject({ exitCode: 2, kind: "failed" });
    expect(out.message).toMatch(
      /failed \(UNAVAILABLE\): the change failed and the environment did not return to a stable state/,
    );
  });

  test("GIVEN it ends AVAILABLE at the old version after rolling back THEN exit 2, not success", async () => {
    statuses(env("AVAILABLE", LATEST_2_11), env("ROLLING_BACK", LATEST_2_11), env("AVAILABLE", LATEST_2_11));
    const out = await runUpgrade(request, deps().d);
    expect(out).toMatchObject({ exitCode: 2, kind: "rolled-back" });
  });

  test("GIVEN the update outlasts the wait THEN exit 3 and re-running resumes: no second UpdateEnvironment", async () => {
    statuses(env("AVAILABLE", LATEST_2_11), env("UPDATING", LATEST_2_11));
    const first = await runUpgrade(request, deps().d);
    expect(first).toMatchObject({ exitCode: 3, kind: "still-running" });
    expect(first.message).toMatch(/Run the same command again to resume waiting/);
    expect(updates()).toHaveLength(1);

    mwaa.reset();
    statuses(env("UPDATING", LATEST_2_11), env("CREATING_SNAPSHOT", LATEST_2_11), env("AVAILABLE", "3.3.1"));
    const { d, lines } = deps();
    const again = await runUpgrade(request, d);
    expect(lines).toContain("analytics is already changing: waiting for it (re-running this command resumes the wait)");
    expect(again).toMatchObject({ exitCode: 0, kind: "upgraded" });
    expect(updates()).toEqual([]);
  });

  test("GIVEN another change in progress WHEN it ends well at the old version THEN the upgrade starts after it", async () => {
    statuses(
      env("UPDATING", LATEST_2_11),
      env("AVAILABLE", LATEST_2_11),
      env("AVAILABLE", LATEST_2_11),
      env("UPDATING", LATEST_2_11),
      env("AVAILABLE", "3.3.1"),
    );
    const out = await runUpgrade(request, deps().d);
    expect(updates()).toEqual([{ Name: "analytics", AirflowVersion: "3.3.1" }]);
    expect(out.kind).toBe("upgraded");
  });

  test("GIVEN the target already runs THEN nothing to do, exit 0", async () => {
    statuses(env("AVAILABLE", "3.3.1"));
    expect(await runUpgrade(request, deps().d)).toMatchObject({ exitCode: 0, kind: "already" });
    expect(updates()).toEqual([]);
  });

  test("GIVEN --dry-run THEN checks run and nothing changes", async () => {
    statuses(env("AVAILABLE", LATEST_2_11));
    const { d, checks } = deps();
    const out = await runUpgrade({ ...request, dryRun: true }, d);
    expect(checks).toHaveLength(1);
    expect(out.message).toMatch(/^dry run: would call UpdateEnvironment\(Name=analytics, AirflowVersion=3\.3\.1\)/);
    expect(updates()).toEqual([]);
  });
});

describe("a re-run after a failure it did not watch", () => {
  // GetEnvironment's LastUpdate as the SDK models it: Status, Error, Source, CreatedAt.
  const failedAt = (Status: string) =>
    ({
      Environment: {
        Name: "analytics",
        Status,
        AirflowVersion: LATEST_2_11,
        LastUpdate: {
          Status: "FAILED",
          CreatedAt: new Date("2026-12-01T10:00:00Z"),
          Source: "ENVIRONMENT_UPDATE",
          Error: { ErrorCode: "INCORRECT_CONFIGURATION", ErrorMessage: "requirements failed to install" },
        },
      } as Environment,
    }) as never;

  test.each(["UPDATE_FAILED", "AVAILABLE"])(
    "GIVEN the last update failed and the environment is %s at the old version WHEN re-run THEN exit 2 with MWAA's error, and no second UpdateEnvironment",
    async (status) => {
      statuses(failedAt(status));
      const out = await runUpgrade(request, deps().d);
      expect(out).toMatchObject({ exitCode: 2, kind: "failed" });
      expect(out.message).toContain(
        `analytics runs Airflow ${LATEST_2_11} (${status}) and its last update failed (started 2026-12-01T10:00:00.000Z, source ENVIRONMENT_UPDATE): INCORRECT_CONFIGURATION: requirements failed to install. Not starting again. Keep airflow.majorUpgradeInPlace in the config`,
      );
      expect(updates()).toEqual([]);
    },
  );

  test("GIVEN the last update failed WHEN run with --retry THEN it says so and starts a new attempt", async () => {
    statuses(failedAt("UPDATE_FAILED"), env("UPDATING", LATEST_2_11), env("AVAILABLE", "3.3.1"));
    const { d, lines } = deps();
    const code = await main(["--config", "guarded.json", "--environment", "analytics", "--retry"], commandLineDir, d);
    expect(code).toBe(0);
    expect(lines).toContain(
      "--retry: its last update failed (started 2026-12-01T10:00:00.000Z, source ENVIRONMENT_UPDATE): INCORRECT_CONFIGURATION: requirements failed to install; starting a new attempt",
    );
    expect(updates()).toEqual([{ Name: "analytics", AirflowVersion: "3.3.1" }]);
  });
});

describe("after UpdateEnvironment was accepted", () => {
  test("GIVEN a status read fails (an expired SSO session) THEN exit 3, still running, naming the error", async () => {
    const expired = Object.assign(new Error("The SSO session associated with this profile has expired"), {
      name: "CredentialsProviderError",
    });
    mwaa.on(Get).resolvesOnce(env("AVAILABLE", LATEST_2_11)).rejects(expired);
    const { d, lines } = deps();
    const code = await main(["--config", "guarded.json", "--environment", "analytics"], commandLineDir, d);
    expect(updates()).toHaveLength(1);
    expect(code).toBe(3);
    expect(lines.at(-1)).toBe(
      "reading the status of analytics failed (CredentialsProviderError: The SSO session associated with this profile has expired); the update is still running at MWAA. Fix the cause (e.g. aws sso login) and re-run the same command to resume waiting.",
    );
  });

  test("GIVEN MWAA still reports AVAILABLE at the old version for a few reads THEN it waits for the change instead of calling it rolled back", async () => {
    statuses(
      env("AVAILABLE", LATEST_2_11),
      env("AVAILABLE", LATEST_2_11),
      env("AVAILABLE", LATEST_2_11),
      env("UPDATING", LATEST_2_11),
      env("AVAILABLE", "3.3.1"),
    );
    const out = await runUpgrade({ ...request, pollSeconds: 30, maxWaitMinutes: 180 }, deps().d);
    expect(out).toMatchObject({ exitCode: 0, kind: "upgraded" });
  });

  test(`GIVEN no status of a change for the whole grace period (${START_GRACE_MS / 60_000} minutes) THEN exit 2, saying it stayed at the old version`, async () => {
    statuses(env("AVAILABLE", LATEST_2_11));
    const out = await runUpgrade({ ...request, pollSeconds: 60, maxWaitMinutes: 180 }, deps().d);
    expect(out).toMatchObject({ exitCode: 2, kind: "rolled-back" });
    expect(out.message).toMatch(
      new RegExp(
        `^analytics stayed AVAILABLE at Airflow ${LATEST_2_11.replace(/\./g, "\\.")}, not 3\\.3\\.1, for ${START_GRACE_MS / 60_000} minutes after UpdateEnvironment`,
      ),
    );
  });
});

// The command line's configs: c.json as the example ships, guarded.json the in-place upgrade's PR.
const commandLineDir = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-"));
afterAll(() => fs.rmSync(commandLineDir, { recursive: true, force: true }));

describe("the command line", () => {
  const dir = commandLineDir;
  const example = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "config", "examples", "migrate-to-airflow3.json"), "utf8"),
  );
  delete example.$schema;
  // c.json: the migration example as it ships (no guard); guarded.json: the PR of the in-place
  // upgrade, the environment's and the candidate's version at 3.x with majorUpgradeInPlace.
  fs.writeFileSync(path.join(dir, "c.json"), JSON.stringify(example));
  const guarded = structuredClone(example);
  Object.assign(guarded.environments[0].airflow, {
    version: "3.3.1",
    majorUpgradeInPlace: true,
    configurationOptions: { "core.default_timezone": "utc" },
  });
  Object.assign(guarded.environments[0].migration.candidate.airflow, { version: "3.2.1", majorUpgradeInPlace: true });
  fs.writeFileSync(path.join(dir, "guarded.json"), JSON.stringify(guarded));

  const run = async (...argv: string[]) => {
    const { d, lines, checks } = deps();
    const code = await main(argv, dir, d);
    return { code, lines, checks };
  };

  test("GIVEN the config's environment at 3.x with majorUpgradeInPlace WHEN run without --target THEN it upgrades the MWAA environment the config names to the config's version", async () => {
    statuses(env("AVAILABLE", LATEST_2_11), env("AVAILABLE", "3.3.1"));
    const { code, checks } = await run("--config", "guarded.json", "--environment", "analytics");
    expect(code).toBe(0);
    expect(updates()).toEqual([{ Name: "analytics", AirflowVersion: "3.3.1" }]);
    expect(checks.map((c) => c[1])).toEqual(["3.3.1"]);
  });

  test("GIVEN a config without majorUpgradeInPlace THEN refused before any AWS call, naming the field and the order", async () => {
    const { code, lines } = await run("--config", "c.json", "--environment", "analytics", "--target", "3.3.1");
    expect(code).toBe(1);
    expect(lines).toEqual([
      "refused: c.json does not set airflow.majorUpgradeInPlace for analytics. First set airflow.version to the 3.x target and airflow.majorUpgradeInPlace to true, review and deploy that (Terraform then ignores airflow_version), then run this command (docs/upgrades.md)",
    ]);
    expect(mwaa.calls()).toHaveLength(0);
  });

  test("GIVEN --target other than the config's version THEN exit 1, naming both", async () => {
    const { code, lines } = await run("--config", "guarded.json", "--environment", "analytics", "--target", "3.2.1");
    expect(code).toBe(1);
    expect(lines).toEqual([
      "--target 3.2.1: guarded.json sets airflow.version to 3.3.1; the command goes to the config's version (leave --target out, or change the config first)",
    ]);
    expect(mwaa.calls()).toHaveLength(0);
  });

  test("GIVEN --candidate (the rehearsal) THEN it upgrades the migration's candidate to the candidate's version, with the candidate's requirements", async () => {
    statuses(env("AVAILABLE", LATEST_2_11), env("AVAILABLE", "3.2.1"));
    const { code, checks } = await run("--config", "guarded.json", "--environment", "analytics", "--candidate");
    expect(code).toBe(0);
    const candidate = example.environments[0].migration.candidate;
    expect(updates()).toEqual([{ Name: candidate.environmentName, AirflowVersion: "3.2.1" }]);
    expect(checks.map((c) => c[0])).toEqual(
      candidate.artifacts?.requirements !== undefined ? [path.join(dir, candidate.artifacts.requirements)] : [],
    );
  });

  test.each([
    [["--environment", "analytics"], /--config is required/],
    [["--config", "c.json"], /--environment is required/],
    [
      ["--config", "c.json", "--environment", "nope"],
      /--environment nope: no such environment in c\.json \(analytics\)/,
    ],
    [["--config", "missing.json", "--environment", "a"], /--config missing\.json: cannot read it \(ENOENT\)/],
    [
      ["--config", "guarded.json", "--environment", "analytics", "--poll-seconds", "0"],
      /--poll-seconds 0: a whole number of at least 1/,
    ],
    [["--bogus"], /Unknown option '--bogus'/],
  ])("GIVEN %j THEN exit 1 with one line", async (argv, message) => {
    const { code, lines } = await run(...(argv as string[]));
    expect(code).toBe(1);
    expect(lines.join("\n")).toMatch(message);
    expect(lines).toHaveLength(1);
  });
});

describe("the requirements check it calls", () => {
  // A stand-in for `npm run plugins` with the agreed contract: --check-only --requirements FILE
  // --airflow-version X.Y.Z; exit 0 fine, 1 with one message a line.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-plugins-"));
  fs.mkdirSync(path.join(root, "plugins"));
  fs.symlinkSync(path.join(__dirname, "..", "node_modules"), path.join(root, "node_modules"));
  fs.writeFileSync(
    path.join(root, "plugins", "cli.ts"),
    `const a: string[] = process.argv.slice(2);
if (a[0] !== "--check-only" || a[1] !== "--requirements" || a[3] !== "--airflow-version") { console.error("bad arguments " + a.join(" ")); process.exit(2); }
if (a[2].endsWith("bad.txt")) { console.log("foo==1.0: needs apache-airflow<3 (target " + a[4] + ")"); process.exit(1); }
`,
  );
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test("GIVEN requirements that fit THEN ok; GIVEN a mismatch THEN its messages, naming the target", async () => {
    const check = pluginsCheck(root);
    expect(await check("good.txt", "3.3.1")).toEqual({ ok: true, messages: [] });
    expect(await check("bad.txt", "3.3.1")).toEqual({
      ok: false,
      messages: ["foo==1.0: needs apache-airflow<3 (target 3.3.1)"],
    });
  });
});
