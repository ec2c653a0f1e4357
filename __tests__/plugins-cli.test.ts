import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PluginsError } from "../plugins";
import { HELP, inputFromArgs as parse, main } from "../plugins/cli";
import { AIRFLOW_VERSIONS, DEFAULT_AIRFLOW_VERSION } from "../model/versions";
import { AIRFLOW_PYTHON } from "../plugins/image-data";

const root = join(__dirname, "..");

/** The build input for argv; fails the test when the arguments ask for the help. */
function inputFromArgs(argv: readonly string[], cwd: string) {
  const input = parse(argv, cwd);
  if (input === "help" || "checkOnly" in input) throw new Error("expected a build input");
  return input;
}

describe("plugins CLI arguments", () => {
  it("defaults to the example's airflow/ folder, its wheelhouse, .cache/plugins and the Python of the default Airflow version (what npm run synth builds for)", () => {
    // GIVEN no arguments WHEN parsed in the project folder THEN every path is absolute and points at airflow/
    const input = inputFromArgs([], root);
    expect(input).toMatchObject({
      requirementsFile: join(root, "airflow", "requirements.txt"),
      startupRequirementsFile: join(root, "airflow", "startup-requirements.txt"),
      pluginModulesDir: join(root, "airflow", "plugins"),
      wheelhouse: join(root, "airflow", "wheelhouse"),
      pythonVersion: AIRFLOW_VERSIONS[DEFAULT_AIRFLOW_VERSION].python,
      airflowVersion: DEFAULT_AIRFLOW_VERSION,
      cacheDir: join(root, ".cache", "plugins"),
    });
    expect(input.constraintsFile).toBeUndefined();
  });

  it("takes explicit values, resolves them against the working folder, and turns optional inputs off", () => {
    // GIVEN every option WHEN parsed THEN each lands in its field
    const input = inputFromArgs(
      [
        "--requirements",
        "r.txt",
        "--startup-requirements",
        "none",
        "--constraints",
        "c.txt",
        "--plugins-dir",
        "none",
        "--python",
        "3.11",
        "--wheelhouse",
        "pypi",
        "--cache",
        "/tmp/c",
      ],
      "/work/x",
    );
    expect(input).toMatchObject({
      requirementsFile: "/work/x/r.txt",
      constraintsFile: "/work/x/c.txt",
      pythonVersion: "3.11",
      cacheDir: "/tmp/c",
    });
    expect(input.startupRequirementsFile).toBeUndefined();
    expect(input.pluginModulesDir).toBeUndefined();
    expect(input.wheelhouse).toBeUndefined();
  });

  it("takes the Python from --airflow-version, for the build and --check-only alike; an explicit --python wins", () => {
    // GIVEN an Airflow 2.10 image (Python 3.11) WHEN parsed without --python THEN both inputs get 3.11
    expect(inputFromArgs(["--airflow-version", "2.10.3"], root)).toMatchObject({
      airflowVersion: "2.10.3",
      pythonVersion: "3.11",
    });
    expect(parse(["--check-only", "--airflow-version", "2.10.3"], root)).toMatchObject({
      checkOnly: { airflowVersion: "2.10.3", pythonVersion: "3.11" },
    });
    expect(parse(["--check-only", "--airflow-version", "2.11.0"], root)).toMatchObject({
      checkOnly: { pythonVersion: "3.12" },
    });
    // AND --python given overrides it
    expect(inputFromArgs(["--airflow-version", "2.10.3", "--python", "3.12"], root)).toMatchObject({
      pythonVersion: "3.12",
    });
    expect(parse(["--check-only", "--airflow-version", "3.3.1", "--python", "3.11"], root)).toMatchObject({
      checkOnly: { pythonVersion: "3.11" },
    });
  });

  it("refuses an Airflow version it knows no Python for, unless --python is given", () => {
    expect(() => inputFromArgs(["--airflow-version", "3.9.0"], root)).toThrow(
      /^--airflow-version 3\.9\.0 is not one of the Airflow versions this project knows \(2\.7\.2, .*3\.3\.1\), so its Python is not known: give --python too\n/,
    );
    expect(inputFromArgs(["--airflow-version", "3.9.0", "--python", "3.13"], root)).toMatchObject({
      airflowVersion: "3.9.0",
      pythonVersion: "3.13",
    });
  });

  it("knows the Python of exactly the Airflow versions model/versions.ts lists, and the same one", () => {
    // plugins/ does not import constructs/: this keeps its copy of the table equal
    expect(AIRFLOW_PYTHON).toEqual(
      Object.fromEntries(Object.entries(AIRFLOW_VERSIONS).map(([version, { python }]) => [version, python])),
    );
  });

  it("rejects an unknown option with the usage", () => {
    // GIVEN a misspelt option WHEN parsed THEN PluginsError shows the usage
    expect(() => inputFromArgs(["--wheelhose", "x"], root)).toThrow(PluginsError);
    expect(() => inputFromArgs(["--wheelhose", "x"], root)).toThrow(/usage: plugins/);
  });

  it("prints its help on --help and -h, naming every option, and builds nothing", () => {
    // GIVEN --help WHEN the command runs THEN the help goes to stdout, and nothing fails
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => written.push(String(chunk)) > 0);
    try {
      main(["--help"]);
    } finally {
      write.mockRestore();
    }
    expect(written.join("")).toBe(HELP);
    expect(process.exitCode ?? 0).toBe(0);
    expect(parse(["-h"], root)).toBe("help");
    // AND each option the parser accepts is explained on a line of its own
    for (const option of [
      "--requirements",
      "--startup-requirements",
      "--constraints",
      "--plugins-dir",
      "--python",
      "--wheelhouse",
      "--cache",
      "--help",
    ]) {
      expect(HELP).toMatch(new RegExp(`^  (-h, )?${option} `, "m"));
    }
  });

  it("exits 1 with the message only, no stack, on an error", () => {
    // GIVEN a requirements file that does not exist WHEN the CLI runs
    const run = spawnSync(
      process.execPath,
      [
        "-r",
        "tsx/cjs",
        "plugins/cli.ts",
        "--requirements",
        "no/such/requirements.txt",
        "--cache",
        "/tmp/plugins-cli-test",
      ],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    // THEN it fails with one line naming the file
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `plugins: requirementsFile ${join(root, "no/such/requirements.txt")} cannot be read (ENOENT)\n`,
    );
  });
});
