import type { EnvironmentInput } from "../model/schema";
import { airflowStateLines } from "../review/airflow-state";
import { diffStacks, type TerraformDoc } from "../review/diff";
import { renderMarkdown } from "../review/render";
import { minimalEnvironment, synthStack } from "./helpers";
import { stateCodes } from "./helpers-state";

const codes = stateCodes();
const synth = (airflowState: NonNullable<EnvironmentInput["airflowState"]>): TerraformDoc =>
  synthStack(minimalEnvironment({ airflowState }), undefined, codes) as unknown as TerraformDoc;

// GIVEN a base with two pools, two variables and two secrets
const base = synth({
  secretsBackend: { connections: [{ name: "warehouse" }, { name: "legacy_ftp" }], variables: [{ name: "api_token" }] },
  pools: [
    { name: "etl", slots: 8 },
    { name: "ml", slots: 2 },
  ],
  variables: [
    { key: "env", value: "staging" },
    { key: "region", value: "eu-west-1" },
  ],
});
// AND a head that resizes a pool, drops one, changes a value, drops a variable, drops a connection and adds one
const head = synth({
  secretsBackend: { connections: [{ name: "warehouse" }, { name: "crm" }], variables: [{ name: "api_token" }] },
  pools: [{ name: "etl", slots: 16, description: "ETL jobs" }],
  variables: [
    { key: "region", value: "eu-central-1" },
    { key: "owner", value: "data-platform" },
  ],
});

describe("the review names what changes inside Airflow", () => {
  const review = diffStacks({ dev: base }, { dev: head });
  const markdown = renderMarkdown(review);
  const lines = airflowStateLines(review.stacks[0].changes);

  test("pools and variables from the apply invocation's input, readably", () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        "- pool `etl` slots 8 -> 16, description `` -> `ETL jobs`",
        expect.stringMatching(/^- ⚠️ pool `ml` removed: the apply deletes it from Airflow/),
        "- variable `region` value `eu-west-1` -> `eu-central-1`",
        "- variable `owner` added = `data-platform`",
        expect.stringMatching(
          /^- ⚠️ variable `env` removed: the apply deletes it from Airflow; DAGs that still read it fail$/,
        ),
      ]),
    );
  });

  test("secrets added and removed, a removed connection flagged as one DAGs may still use", () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^- secret connection `crm` added: secret `airflow\/dev\/connections\/crm` is created without a value; set it/,
        ),
        expect.stringMatching(
          /^- ⚠️ secret connection `legacy_ftp` removed: .*DAGs that still use this connection fail$/,
        ),
      ]),
    );
    expect(lines.join("\n")).not.toMatch(/warehouse|api_token/);
  });

  test("render prints the section in the stack's changes", () => {
    expect(markdown).toContain("#### 🗄️ INSIDE AIRFLOW (`airflowState`)");
    expect(markdown).toContain("- pool `etl` slots 8 -> 16");
  });

  test("turning airflowState on lists what it adds; an unchanged config prints no section", () => {
    const off = synthStack(minimalEnvironment(), undefined, codes) as unknown as TerraformDoc;
    const on = airflowStateLines(diffStacks({ dev: off }, { dev: head }).stacks[0].changes);
    expect(on).toEqual(
      expect.arrayContaining(["- pool `etl` added: 16 slots", "- variable `region` added = `eu-central-1`"]),
    );
    expect(airflowStateLines(diffStacks({ dev: head }, { dev: head }).stacks[0].changes)).toEqual([]);
  });

  test("turning it off warns about every declared variable and connection removed", () => {
    const off = synthStack(minimalEnvironment(), undefined, codes) as unknown as TerraformDoc;
    const gone = airflowStateLines(diffStacks({ dev: head }, { dev: off }).stacks[0].changes).filter((l) =>
      l.startsWith("- ⚠️"),
    );
    expect(gone.map((l) => /`([^`]+)` removed/.exec(l)?.[1]).sort()).toEqual([
      "api_token",
      "crm",
      "etl",
      "owner",
      "region",
      "warehouse",
    ]);
  });
});
