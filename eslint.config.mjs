// The rules this project relies on, enforced instead of written down (typescript-eslint's
// recommended set, without type information so the lint stays fast).
import tseslint from "typescript-eslint";

const providerBarrel = {
  // The barrel loads every AWS resource (seconds and hundreds of MB per synth): deep paths only.
  name: "@cdktf/provider-aws",
  message: "Import the resource by deep path, e.g. @cdktf/provider-aws/lib/mwaa-environment.",
};
const barrelPattern = { regex: "^@cdktf/provider-aws/lib$", message: providerBarrel.message };

/** Folders a layer may not import from: the app and the tools sit on top of the library. */
const upperLayers = (...folders) => ({
  group: folders.flatMap((f) => [`../${f}/*`, `../../${f}/*`, `../${f}`, `../../${f}`]),
  message: `This layer does not depend on ${folders.join(", ")}: see the layout table in the README.`,
});
const TOOLS = ["app", "scripts", "review", "cost", "operations", "terraform-check"];

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "cdktf.out/",
      ".cache/",
      "docs/api/",
      "examples/embed/node_modules/",
      "examples/embed/cdktf.out/",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-imports": ["error", { paths: [providerBarrel], patterns: [barrelPattern] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Constructs take plain values: the app and the artifact pipeline read files and the environment.
    files: ["constructs/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            providerBarrel,
            { name: "node:fs", message: "Constructs read no files: take the value as a prop." },
            { name: "fs", message: "Constructs read no files: take the value as a prop." },
          ],
          patterns: [
            barrelPattern,
            upperLayers(...TOOLS),
            {
              // A warm synth loads no zod (docs/performance.md): constructs take the schema's types only.
              group: [
                "../model/schema",
                "../model/access",
                "../model/endpoints",
                "../model/network-access",
                "../model/airflow-state",
                "../model/validation",
                "../model/ref",
              ].flatMap((m) => [m, `../${m}`]),
              allowTypeImports: true,
              message:
                "This module builds zod schemas; import its types only (constants live in zod-free modules such as model/versions.ts).",
            },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Constructs read no environment variables: take the value as a prop.",
        },
      ],
    },
  },
  {
    // The config model is the bottom layer: constructs, the app and the tools build on it.
    files: ["model/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [providerBarrel], patterns: [barrelPattern, upperLayers("constructs", "plugins", ...TOOLS)] },
      ],
    },
  },
  {
    // The artifact pipeline, the Lambdas and the helpers stand alone: shared types live in model/.
    files: ["plugins/**/*.ts", "lambda/**/*.ts", "util/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [providerBarrel], patterns: [barrelPattern, upperLayers("constructs", ...TOOLS)] },
      ],
    },
  },
  {
    // Tests load modules afresh (jest.isolateModules, doMock) and read synthesized JSON loosely; the
    // bench's stock baseline requires what a stock cdktf app loads.
    files: ["**/*.js", "**/*.cjs", "__tests__/**/*.ts", "scripts/bench/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["__tests__/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
