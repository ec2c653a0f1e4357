import { readFileSync } from "node:fs";
import { parseConfig } from "../model/parse";

const base = JSON.parse(readFileSync("config/examples/airflow-state.json", "utf8"));
function withState(state: object): string {
  const c = structuredClone(base);
  c.environments[0].airflowState = state;
  return JSON.stringify(c);
}
const errorOf = (state: object) => {
  try {
    parseConfig(withState(state), "c.json");
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("parsed");
};

describe("airflowState bad input: one line naming the field", () => {
  test("negative pool slots", () => {
    expect(errorOf({ pools: [{ name: "p", slots: -1 }] })).toMatch(
      /environments\[0\]\.airflowState\.pools\[0\]\.slots.*a whole number of slots, 0 or more/,
    );
  });
  test("duplicate name", () => {
    expect(
      errorOf({
        pools: [
          { name: "p", slots: 1 },
          { name: "p", slots: 2 },
        ],
      }),
    ).toMatch(/airflowState\.pools\[1\]\.name.*"p" is declared twice \(also at pools\[0\]\)/);
  });
  test("a variable also declared as a secret", () => {
    expect(
      errorOf({ variables: [{ key: "token", value: "x" }], secretsBackend: { variables: [{ name: "token" }] } }),
    ).toMatch(/airflowState\.variables\[0\]\.key.*also declared in secretsBackend\.variables/);
  });
  test("a prefix that would let the role read every secret", () => {
    expect(errorOf({ secretsBackend: { connectionsPrefix: "/" } })).toMatch(
      /airflowState\.secretsBackend\.connectionsPrefix.*would let the execution role read every secret/,
    );
  });
});

describe("airflowState secret prefixes: per environment, never shared within an account and Region", () => {
  const config = (...envs: { name: string; region?: string; secretsBackend: object }[]) =>
    JSON.stringify({
      environments: envs.map((e) => ({
        ...structuredClone(base.environments[0]),
        name: e.name,
        region: e.region ?? "eu-west-1",
        airflowState: { secretsBackend: { connections: [{ name: "warehouse" }], ...e.secretsBackend } },
      })),
    });
  const errorsOf = (text: string) => {
    try {
      parseConfig(text, "c.json");
    } catch (e) {
      return (e as Error).message.split("\n");
    }
    throw new Error("parsed");
  };

  test("left out, the prefixes name the environment: two environments get different secrets", () => {
    const parsed = parseConfig(config({ name: "sales", secretsBackend: {} }, { name: "ops", secretsBackend: {} }), "c");
    expect(parsed.environments.map((e) => e.airflowState?.secretsBackend)).toMatchObject([
      { connectionsPrefix: "airflow/sales/connections", variablesPrefix: "airflow/sales/variables" },
      { connectionsPrefix: "airflow/ops/connections", variablesPrefix: "airflow/ops/variables" },
    ]);
  });

  test("the same prefix twice in one Region is one line naming both environments; other Regions are separate", () => {
    const same = { connectionsPrefix: "airflow/shared/connections" };
    expect(errorsOf(config({ name: "sales", secretsBackend: same }, { name: "ops", secretsBackend: same }))).toEqual([
      `c.json: environments[1].airflowState.secretsBackend.connectionsPrefix: "ops" (airflow/shared/connections) and environments[0] "sales" (connectionsPrefix airflow/shared/connections) share secret names in eu-west-1, and each role could read the other's secrets: give each its own prefixes, or leave them out (the default names the environment) (got "***")`,
    ]);
    // One prefix inside the other: the first role reads the second's secrets.
    expect(
      errorsOf(
        config(
          { name: "sales", secretsBackend: { variablesPrefix: "airflow/ops" } },
          { name: "ops", secretsBackend: {} },
        ),
      )[0],
    ).toMatch(
      /environments\[1\]\.airflowState\.secretsBackend\.connectionsPrefix: "ops" \(airflow\/ops\/connections\) and environments\[0\] "sales" \(variablesPrefix airflow\/ops\)/,
    );
    expect(() =>
      parseConfig(
        config({ name: "sales", secretsBackend: same }, { name: "ops", region: "eu-central-1", secretsBackend: same }),
        "c",
      ),
    ).not.toThrow();
  });
});
