/**
 * operations/wait-available.sh, the README's wait for AVAILABLE, against a fake `aws` on PATH that
 * answers each call with the next scripted reply.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.resolve(__dirname, "..", "operations", "wait-available.sh");

/** Replies: "ok <stdout>" or "err <stderr>" (exit 254, as the AWS CLI v2 does on a service error). */
function wait(
  replies: string[],
  options: { args?: string[]; env?: Record<string, string> } = {},
): { status: number | null; stdout: string; stderr: string; calls: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wait-available-"));
  try {
    fs.writeFileSync(path.join(dir, "replies"), `${replies.join("\n")}\n`);
    const fake = [
      "#!/bin/sh",
      `echo "$*" >> "${dir}/calls"`,
      `line=$(head -n 1 "${dir}/replies"); sed -i 1d "${dir}/replies"`,
      'case "$line" in ok\\ *) echo "${line#ok }" ;; err\\ *) echo "${line#err }" >&2; exit 254 ;; *) echo "no reply left" >&2; exit 99 ;; esac',
      "",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "aws"), fake, { mode: 0o755 });
    const run = spawnSync("sh", [SCRIPT, ...(options.args ?? []), "my-env", "eu-west-1"], {
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, MWAA_WAIT_SECONDS: "0", ...options.env },
      encoding: "utf8",
      timeout: 10_000,
    });
    const calls = fs.existsSync(path.join(dir, "calls"))
      ? fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n")
      : [];
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, calls };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("operations/wait-available.sh", () => {
  test("waits through PENDING and CREATING and ends at AVAILABLE", () => {
    // GIVEN an environment that becomes AVAILABLE on the third check
    const run = wait(["ok PENDING", "ok CREATING", "ok AVAILABLE"]);
    // THEN exit 0 after three calls, each for the name and Region given
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /my-env: PENDING, checking again.*\nmy-env: CREATING, checking again.*\nmy-env: AVAILABLE\n$/,
    );
    expect(run.calls).toHaveLength(3);
    expect(run.calls[0]).toBe(
      "mwaa get-environment --name my-env --region eu-west-1 --query Environment.Status --output text",
    );
  });

  test.each(["CREATE_FAILED", "UPDATE_FAILED", "UNAVAILABLE", "DELETED"])("stops at %s and prints why", (status) => {
    // GIVEN a failed environment whose last update recorded an error
    const run = wait([
      "ok CREATING",
      `ok ${status}`,
      "ok INCORRECT_CONFIGURATION\tThe web server endpoint was not reachable",
    ]);
    // THEN exit 1 with the status and the error code and message
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `wait-available: my-env is ${status}: INCORRECT_CONFIGURATION\tThe web server endpoint was not reachable (docs/troubleshooting.md)\n`,
    );
    expect(run.calls[2]).toMatch(/--query Environment\.LastUpdate\.Error\.\[ErrorCode, ErrorMessage\]/);
  });

  test("stops on an AWS CLI error and prints it", () => {
    // GIVEN a CLI that fails (a wrong name, expired credentials)
    const run = wait([
      "err An error occurred (ResourceNotFoundException) when calling the GetEnvironment operation: Environment my-env not found",
    ]);
    // THEN exit 1 at once, with the CLI's message
    expect(run.status).toBe(1);
    expect(run.calls).toHaveLength(1);
    expect(run.stderr).toBe(
      "wait-available: the AWS CLI failed for my-env in eu-west-1: An error occurred (ResourceNotFoundException) when calling the GetEnvironment operation: Environment my-env not found\n",
    );
  });

  test.each(["None\tNone", "None"])("stops at UPDATE_FAILED without a recorded error (the CLI prints %j)", (none) => {
    // GIVEN a failed environment whose LastUpdate.Error is empty (the AWS CLI's text output says None)
    const run = wait(["ok UPDATE_FAILED", `ok ${none}`]);
    // THEN it says so instead of printing None
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("wait-available: my-env is UPDATE_FAILED: no error recorded (docs/troubleshooting.md)\n");
  });

  test("stops after MWAA_WAIT_MAX_MINUTES with a clear line", () => {
    // GIVEN an environment stuck in PENDING and a limit of 0 minutes
    const run = wait(["ok PENDING", "ok PENDING"], { env: { MWAA_WAIT_MAX_MINUTES: "0" } });
    // THEN exit 1 at the first check, naming the status and the limit
    expect(run.status).toBe(1);
    expect(run.calls).toHaveLength(1);
    expect(run.stderr).toBe(
      "wait-available: my-env is still PENDING after 0 minutes (MWAA_WAIT_MAX_MINUTES=0); stopped waiting, MWAA goes on (docs/troubleshooting.md)\n",
    );
  });

  test("a limit that is not a whole number: one line, and no AWS call", () => {
    const run = wait(["ok AVAILABLE"], { env: { MWAA_WAIT_MAX_MINUTES: "2h" } });
    expect(run.status).toBe(1);
    expect(run.calls).toEqual([]);
    expect(run.stderr).toBe("wait-available: MWAA_WAIT_MAX_MINUTES=2h: a whole number of minutes\n");
  });

  const notFound =
    "err An error occurred (ResourceNotFoundException) when calling the GetEnvironment operation: Environment my-env not found";

  test("with --allow-missing: an environment that does not exist yet passes (the first deploy)", () => {
    const run = wait([notFound], { args: ["--allow-missing"] });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("my-env: not found in eu-west-1 (not created yet)\n");
    expect(run.calls[0]).toBe(
      "mwaa get-environment --name my-env --region eu-west-1 --query Environment.Status --output text",
    );
  });

  test("with --allow-missing: other CLI errors still stop it, and an existing environment is waited for", () => {
    const denied = wait(["err An error occurred (AccessDeniedException) when calling the GetEnvironment operation"], {
      args: ["--allow-missing"],
    });
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(
      /^wait-available: the AWS CLI failed for my-env in eu-west-1: .*AccessDeniedException/,
    );
    const waited = wait(["ok UPDATING", "ok AVAILABLE"], { args: ["--allow-missing"] });
    expect(waited.status).toBe(0);
    expect(waited.stdout).toMatch(/my-env: UPDATING, checking again.*\nmy-env: AVAILABLE\n$/);
  });

  test("without arguments: the usage, and no AWS call", () => {
    const run = spawnSync("sh", [SCRIPT], { encoding: "utf8" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/usage: operations\/wait-available\.sh \[--allow-missing\] <environment-name> <region>/);
  });
});
