import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { summarizeOutput, summaryLines } from "../app/synth-summary";

describe("synth summary", () => {
  let dir: string;
  beforeAll(() => {
    // GIVEN an output folder as cdktf writes it: a manifest and one JSON per stack
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-summary-"));
    const stack = (name: string, doc: object) => {
      fs.mkdirSync(path.join(dir, "out", "stacks", name), { recursive: true });
      fs.writeFileSync(path.join(dir, "out", "stacks", name, "cdk.tf.json"), JSON.stringify(doc));
      return { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
    };
    const manifest = {
      stacks: {
        dev: stack("dev", {
          resource: { aws_s3_bucket: { A: {}, B: {} }, aws_vpc: { V: {} } },
          data: { aws_partition: { P: {} } },
        }),
        "dev-endpoints": stack("dev-endpoints", { resource: { aws_vpc_endpoint: { E: {} } } }),
      },
    };
    fs.writeFileSync(path.join(dir, "out", "manifest.json"), JSON.stringify(manifest));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("counts the resources and data sources each stack's JSON holds, with its file relative to the working directory", () => {
    expect(summarizeOutput(path.join(dir, "out"), dir)).toEqual([
      expect.objectContaining({
        name: "dev",
        file: path.join("out", "stacks", "dev", "cdk.tf.json"),
        resources: 3,
        dataSources: 1,
      }),
      expect.objectContaining({
        name: "dev-endpoints",
        file: path.join("out", "stacks", "dev-endpoints", "cdk.tf.json"),
        resources: 1,
        dataSources: 0,
      }),
    ]);
  });

  test("prints one aligned line per stack and then the next step", () => {
    const lines = summaryLines(summarizeOutput(path.join(dir, "out"), dir), false);
    expect(lines).toEqual([
      "synth: wrote 2 stacks",
      "  dev            3 resources, 1 data source  out/stacks/dev/cdk.tf.json",
      "                 billed by the hour: no MWAA environment; 0 endpoint-AZs (0 interface endpoints); 0 ALBs; 0 NAT gateways; 0 access hosts",
      "  dev-endpoints  1 resource, 0 data sources  out/stacks/dev-endpoints/cdk.tf.json",
      "                 billed by the hour: no MWAA environment; 0 endpoint-AZs (0 interface endpoints); 0 ALBs; 0 NAT gateways; 0 access hosts",
      'next: npm run diff -- dev (AWS credentials needed), then npm run deploy -- dev; README "First deploy" walks through it',
    ]);
  });

  test("writes each stack's Infracost usage file beside its JSON when given the config's cost block", () => {
    // GIVEN the output folder WHEN summarized with a cost block per stack
    summarizeOutput(path.join(dir, "out"), dir, () => ({ metadataDatabaseGb: 7 }));
    // THEN infracost-usage.yml is beside each cdk.tf.json (no environment here: empty resource_usage)
    for (const stack of ["dev", "dev-endpoints"]) {
      expect(fs.readFileSync(path.join(dir, "out", "stacks", stack, "infracost-usage.yml"), "utf8")).toMatch(
        /^version: 0\.1\nresource_usage: \{\}$/m,
      );
    }
  });

  test("under the cdktf CLI it leaves out the next step (diff and deploy go on by themselves)", () => {
    const lines = summaryLines(summarizeOutput(path.join(dir, "out"), dir), true);
    expect(lines.some((l) => l.startsWith("next:"))).toBe(false);
    expect(lines[0]).toBe("synth: wrote 2 stacks");
  });
});
