/**
 * What it costs: the billable units counted from synthesized JSON, the Infracost usage file synth
 * writes beside each stack (checked against Infracost's own key list and golden usage file), and
 * how the review shows a change moving the units.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseConfig } from "../model/parse";
import type { EnvironmentInput } from "../model/schema";
import { INFRACOST_MWAA_USAGE_KEYS, INFRACOST_USAGE_VERSION, mwaaUsage, usageFileText } from "../cost/infracost-usage";
import { infracostConfig } from "../cost/infracost-config";
import { type StackJson, billableUnits, unitChanges, unitsLine } from "../cost/units";
import { diffStacks, type TerraformDoc } from "../review/diff";
import { renderMarkdown } from "../review/render";
import { minimalEnvironment, synthStack } from "./helpers";

const ROOT = path.resolve(__dirname, "..");
const CONFIGS = [
  "config/example.json",
  ...fs.readdirSync(path.join(ROOT, "config", "examples")).map((f) => `config/examples/${f}`),
].filter((f) => f.endsWith(".json"));

type Usage = { version: string; resource_usage: Record<string, Record<string, number>> };

/** The two-level YAML of an Infracost usage file: enough of YAML for what Infracost documents and synth writes. */
function parseUsage(text: string): Usage {
  const out: Usage = { version: "", resource_usage: {} };
  let current: Record<string, number> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^#.*$/, "");
    if (line.trim() === "") continue;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^version: (\S+)$/)) !== null) out.version = m[1] as string;
    else if (/^resource_usage:( \{\})?$/.test(line)) continue;
    else if ((m = line.match(/^ {2}(\S+):$/)) !== null) out.resource_usage[m[1] as string] = current = {};
    else if ((m = line.match(/^ {4}(\w+): (-?[\d.]+)$/)) !== null && current !== undefined)
      current[m[1] as string] = Number(m[2]);
    else throw new Error(`not an Infracost usage line: ${JSON.stringify(raw)}`);
  }
  return out;
}

/** Synthesized in-process; uploads left out (they bill nothing by the hour, and need the artifact pipeline). */
function stackOf(environment: EnvironmentInput): StackJson {
  const env = { ...environment, artifacts: undefined } as EnvironmentInput & { migration?: { candidate?: object } };
  if (env.migration?.candidate !== undefined)
    env.migration = { ...env.migration, candidate: { ...env.migration.candidate, artifacts: undefined } };
  return synthStack(env) as unknown as StackJson;
}
const ENV = (body: Record<string, unknown>) =>
  ({ resource: { aws_mwaa_environment: { Env: body } } }) as unknown as StackJson;

describe("billable units", () => {
  const example = JSON.parse(fs.readFileSync(path.join(ROOT, "config", "example.json"), "utf8")) as {
    environments: EnvironmentInput[];
  };
  const exampleStack = stackOf(example.environments[0] as EnvironmentInput);

  test("the example: its class, counts, 22 endpoint-AZs, one ALB, no NAT gateway, no access host", () => {
    // GIVEN the example's environment WHEN synthesized and counted
    const units = billableUnits(exampleStack);
    // THEN the units the docs/cost.md lists
    expect(units.environments).toEqual([
      expect.objectContaining({
        environmentClass: "mw1.small",
        schedulers: 2,
        minWorkers: 1,
        maxWorkers: 5,
        minWebservers: 2,
        maxWebservers: 2,
      }),
    ]);
    expect(units).toMatchObject({
      interfaceEndpoints: 11,
      endpointAzs: 22,
      loadBalancers: 1,
      natGateways: 0,
      accessHosts: 0,
    });
    expect(unitsLine(units)).toBe(
      "mw1.small, 2 schedulers, 1-5 workers, 2 web servers; 22 endpoint-AZs (11 interface endpoints); 1 ALB; 0 NAT gateways; 0 access hosts",
    );
  });

  test("counts by resource type: an aws_instance is an access host, NAT gateways and count multiply", () => {
    // GIVEN a hand-made stack with an instance, two NAT gateways by count and a network load balancer
    const stack = {
      resource: {
        aws_instance: { Host: { instance_type: "t4g.nano" } },
        aws_nat_gateway: { Nat: { count: 2 } },
        aws_lb: { Nlb: { load_balancer_type: "network" }, Alb: {} },
        aws_vpc_endpoint: {
          Ssm: { vpc_endpoint_type: "Interface", subnet_ids: ["a", "b", "c"] },
          S3: { vpc_endpoint_type: "Gateway" },
        },
      },
    } as unknown as StackJson;
    // WHEN counted THEN one host, two NAT gateways, one ALB (not the NLB), 3 endpoint-AZs
    expect(billableUnits(stack)).toMatchObject({
      accessHosts: 1,
      natGateways: 2,
      loadBalancers: 1,
      interfaceEndpoints: 1,
      endpointAzs: 3,
      environments: [],
    });
  });

  test("counts a hand-written stack leaves out take MWAA's defaults for its class", () => {
    // GIVEN environments with no counts set WHEN counted THEN mw1.small 2 schedulers, 1-10 workers, 2 web servers; mw1.micro 1, 1-1, 1
    expect(billableUnits(ENV({})).environments[0]).toMatchObject({
      environmentClass: "mw1.small",
      schedulers: 2,
      minWorkers: 1,
      maxWorkers: 10,
      minWebservers: 2,
      maxWebservers: 2,
    });
    expect(billableUnits(ENV({ environment_class: "mw1.micro" })).environments[0]).toMatchObject({
      schedulers: 1,
      minWorkers: 1,
      maxWorkers: 1,
      minWebservers: 1,
      maxWebservers: 1,
    });
  });

  test("endpoint subnets known only at apply time make the endpoint-AZs unknown, not 0", () => {
    const stack = {
      resource: { aws_vpc_endpoint: { E: { vpc_endpoint_type: "Interface", subnet_ids: "${var.subnets}" } } },
    } as unknown as StackJson;
    expect(billableUnits(stack).endpointAzs).toBeUndefined();
    expect(unitsLine(billableUnits(stack))).toContain("? endpoint-AZs (1 interface endpoint)");
  });

  test.each(CONFIGS)("%s: every environment's units and usage file", (file) => {
    // GIVEN a shipped config WHEN each environment is synthesized
    const config = parseConfig(fs.readFileSync(path.join(ROOT, file), "utf8"), file);
    for (const environment of config.environments) {
      const stack = stackOf(environment as unknown as EnvironmentInput);
      const units = billableUnits(stack);
      // THEN the environment's class and counts are those of the config
      const env = units.environments.find(
        (e) =>
          e.environmentClass === environment.airflow.environmentClass &&
          e.schedulers === environment.airflow.schedulers,
      );
      expect(env).toMatchObject({
        minWorkers: environment.airflow.minWorkers,
        maxWorkers: environment.airflow.maxWorkers,
        minWebservers: environment.airflow.minWebservers,
      });
      expect(unitsLine(units)).toContain(
        `${environment.airflow.environmentClass}, ${environment.airflow.schedulers} schedulers, `,
      );
      // AND the usage file has exactly Infracost's keys for each environment address of the JSON
      const usage = parseUsage(usageFileText(stack, environment.cost));
      expect(Object.keys(usage.resource_usage).sort()).toEqual(
        Object.keys(stack.resource?.aws_mwaa_environment ?? {})
          .map((n) => `aws_mwaa_environment.${n}`)
          .sort(),
      );
      for (const u of Object.values(usage.resource_usage))
        expect(Object.keys(u)).toEqual([...INFRACOST_MWAA_USAGE_KEYS]);
    }
  });
});

describe("the Infracost usage file", () => {
  test("uses exactly the keys and the format of Infracost's own golden usage file for aws_mwaa_environment", () => {
    // GIVEN Infracost's golden usage file (copied from its repository, commit named in the fixture)
    const golden = parseUsage(
      fs.readFileSync(path.join(__dirname, "fixtures", "infracost", "mwaa_environment_test.usage.yml"), "utf8"),
    );
    // AND the stack that usage describes: mw1.large, 2 included + 3 additional schedulers, 2.5 additional workers on average
    const stack = {
      resource: {
        aws_mwaa_environment: {
          large_with_usage: { environment_class: "mw1.large", schedulers: 5, min_workers: 1, max_workers: 10 },
        },
      },
    } as unknown as StackJson;
    // WHEN synth writes the usage file with the config's cost block
    const written = parseUsage(usageFileText(stack, { metadataDatabaseGb: 1000, averageWorkers: 3.5 }));
    // THEN it is Infracost's golden file: same version, address, keys and values
    expect(written).toEqual(golden);
    expect(written.version).toBe(INFRACOST_USAGE_VERSION);
    expect(Object.keys(golden.resource_usage["aws_mwaa_environment.large_with_usage"] ?? {})).toEqual([
      ...INFRACOST_MWAA_USAGE_KEYS,
    ]);
  });

  test("workers: the floor is min_workers - 1; an average is held within the worker range", () => {
    const stack = ENV({ environment_class: "mw1.small", schedulers: 2, min_workers: 2, max_workers: 4 });
    expect(mwaaUsage(stack, { metadataDatabaseGb: 50 })["aws_mwaa_environment.Env"]).toEqual({
      additional_workers: 1,
      additional_schedulers: 0,
      meta_database_gb: 50,
    });
    expect(
      mwaaUsage(stack, { metadataDatabaseGb: 50, averageWorkers: 25 })["aws_mwaa_environment.Env"]?.additional_workers,
    ).toBe(3);
    expect(
      mwaaUsage(stack, { metadataDatabaseGb: 50, averageWorkers: 1 })["aws_mwaa_environment.Env"]?.additional_workers,
    ).toBe(1);
  });

  test("schedulers: beyond the class's default count (1 for mw1.micro, 2 otherwise)", () => {
    expect(
      mwaaUsage(ENV({ environment_class: "mw1.micro", schedulers: 1, min_workers: 1, max_workers: 1 }), {
        metadataDatabaseGb: 5,
      })["aws_mwaa_environment.Env"]?.additional_schedulers,
    ).toBe(0);
    expect(
      mwaaUsage(ENV({ environment_class: "mw1.medium", schedulers: 4 }), { metadataDatabaseGb: 5 })[
        "aws_mwaa_environment.Env"
      ]?.additional_schedulers,
    ).toBe(2);
  });

  test("a stack without an environment gets an empty resource_usage", () => {
    expect(usageFileText({ resource: {} }, { metadataDatabaseGb: 50 })).toMatch(
      /^version: 0\.1\nresource_usage: \{\}\n$/m,
    );
  });

  test("the config's cost block: defaults and a one-line error naming the field", () => {
    const parse = (cost?: unknown) =>
      parseConfig(
        JSON.stringify({
          environments: [minimalEnvironment(cost === undefined ? {} : ({ cost } as Partial<EnvironmentInput>))],
        }),
        "c.json",
      );
    expect(parse().environments[0]?.cost).toEqual({ metadataDatabaseGb: 50 });
    expect(() => parse({ metadataDatabaseGb: 0 })).toThrow(
      /environments\[0\]\.cost\.metadataDatabaseGb: an integer from 1 to 100000/,
    );
    expect(() => parse({ averageWorkers: 30 })).toThrow(
      /environments\[0\]\.cost\.averageWorkers: a number of workers from 1 to 25/,
    );
  });
});

describe("the review shows how a change moves the units", () => {
  const base = stackOf(
    minimalEnvironment({ airflow: { environmentClass: "mw1.small", minWorkers: 1, maxWorkers: 5 } }),
  );
  const markdownOf = (head: StackJson) =>
    renderMarkdown(diffStacks({ dev: base as unknown as TerraformDoc }, { dev: head as unknown as TerraformDoc }), {
      base: "main",
      head: "working tree",
      config: "config/my-env.json",
    });

  test("a class change", () => {
    // GIVEN the environment moved to mw1.medium WHEN reviewed THEN the class change is in the units line
    const head = stackOf(
      minimalEnvironment({ airflow: { environmentClass: "mw1.medium", minWorkers: 1, maxWorkers: 5 } }),
    );
    expect(markdownOf(head)).toContain("💰 **Billed by the hour:** environment class mw1.small -> mw1.medium");
  });

  test("a worker change", () => {
    const head = stackOf(
      minimalEnvironment({ airflow: { environmentClass: "mw1.small", minWorkers: 2, maxWorkers: 10 } }),
    );
    expect(markdownOf(head)).toContain("💰 **Billed by the hour:** workers 1-5 -> 2-10");
  });

  test("an added access host (an aws_instance in a hand-made head) and a NAT gateway", () => {
    // GIVEN the head JSON with an instance and a NAT gateway added by hand
    const resource = {
      ...(base.resource ?? {}),
      aws_instance: { AccessHost: { instance_type: "t4g.nano" } },
      aws_nat_gateway: { Nat: { subnet_id: "subnet-1" } },
    };
    const head = { ...base, resource } as StackJson;
    // WHEN reviewed THEN the units line names both
    expect(markdownOf(head)).toContain("💰 **Billed by the hour:** +1 NAT gateway; +1 access host");
  });

  test("a new stack lists what it adds; an unchanged one has no units line", () => {
    const review = diffStacks({}, { dev: base as unknown as TerraformDoc });
    expect(review.stacks[0]?.unitChanges?.[0]).toMatch(
      /^\+1 MWAA environment \(mw1\.small, 2 schedulers, 1-5 workers, 2 web servers\)$/,
    );
    expect(
      renderMarkdown(diffStacks({ dev: base as unknown as TerraformDoc }, { dev: base as unknown as TerraformDoc })),
    ).not.toContain("Billed by the hour");
  });

  test("the review names the config and the stacks it compared", () => {
    expect(markdownOf(base)).toContain("Config `config/my-env.json`; stacks compared: `dev`.");
  });

  test("unitChanges words: endpoint-AZ hours and removals", () => {
    const before = {
      environments: [],
      interfaceEndpoints: 0,
      endpointAzs: 0,
      loadBalancers: 1,
      natGateways: 1,
      accessHosts: 0,
    };
    const after = {
      environments: [],
      interfaceEndpoints: 11,
      endpointAzs: 22,
      loadBalancers: 1,
      natGateways: 0,
      accessHosts: 0,
    };
    expect(unitChanges(before, after)).toEqual(["+22 endpoint-AZ hours", "-1 NAT gateway"]);
  });
});

describe("the Infracost config file for a cdktf output folder", () => {
  test("one project per stack with its usage file, paths relative to where infracost runs", () => {
    // GIVEN an output folder with two stacks, one with a usage file (a base synth of older code may have none)
    const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "infracost-config-"));
    try {
      const manifest = {
        stacks: {
          b: { name: "b", synthesizedStackPath: "stacks/b/cdk.tf.json" },
          a: { name: "a", synthesizedStackPath: "stacks/a/cdk.tf.json" },
        },
      };
      for (const s of ["a", "b"]) fs.mkdirSync(path.join(dir, "out", "stacks", s), { recursive: true });
      fs.writeFileSync(path.join(dir, "out", "manifest.json"), JSON.stringify(manifest));
      fs.writeFileSync(
        path.join(dir, "out", "stacks", "a", "infracost-usage.yml"),
        "version: 0.1\nresource_usage: {}\n",
      );
      // WHEN the config is written THEN Infracost's config format (version 0.1, projects with path, name, usage_file)
      expect(infracostConfig(path.join(dir, "out"), dir)).toBe(
        [
          "version: 0.1",
          "projects:",
          '  - path: "out/stacks/a"',
          '    name: "a"',
          '    usage_file: "out/stacks/a/infracost-usage.yml"',
          '  - path: "out/stacks/b"',
          '    name: "b"',
          "",
        ].join("\n"),
      );
      expect(() => infracostConfig(path.join(dir, "nothing"), dir)).toThrow(/no manifest\.json/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the docs/cost.md", () => {
  const section = fs.readFileSync(path.join(ROOT, "docs", "cost.md"), "utf8");

  test("quotes the units synth prints for the example", () => {
    // GIVEN the line the page quotes WHEN the example is synthesized and counted THEN it is that line
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, "config", "example.json"), "utf8")) as {
      environments: EnvironmentInput[];
    };
    const quoted = /```text\n\s+(\S+)\s+billed by the hour: (.*)\n```/.exec(section);
    expect(quoted?.[1]).toBe(example.environments[0]?.name);
    expect(quoted?.[2]).toBe(unitsLine(billableUnits(stackOf(example.environments[0] as EnvironmentInput))));
  });

  test("lists exactly Infracost's usage keys and names the secret the workflow reads", () => {
    const keys = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(keys).toEqual([...INFRACOST_MWAA_USAGE_KEYS]);
    expect(section).toContain("**`INFRACOST_API_KEY`**");
  });
});
