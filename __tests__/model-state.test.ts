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
