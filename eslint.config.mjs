// The rules this project relies on, enforced instead of written down (typescript-eslint's
// recommended set, without type information so the lint stays fast).
import tseslint from "typescript-eslint";

const providerBarrel = {
  // The barrel loads every AWS resource (seconds and hundreds of MB per synth): deep paths only.
  name: "@cdktf/provider-aws",
  message: "Import the resource by deep path, e.g. @cdktf/provider-aws/lib/mwaa-environment.",
};

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", ".cache/", "docs/api/", "examples/embed/node_modules/", "examples/embed/cdktf.out/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-imports": ["error", { paths: [providerBarrel], patterns: [{ regex: "^@cdktf/provider-aws/lib$", message: providerBarrel.message }] }],
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
          paths: [providerBarrel, { name: "node:fs", message: "Constructs read no files: take the value as a prop." }, { name: "fs", message: "Constructs read no files: take the value as a prop." }],
          patterns: [{ group: ["../scripts/*", "../app/*", "../../scripts/*", "../../app/*"], message: "Constructs do not depend on the app or its scripts." }],
        },
      ],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Constructs read no environment variables: take the value as a prop." }],
    },
  },
  {
    files: ["plugins/**/*.ts", "lambda/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [providerBarrel], patterns: [{ group: ["../constructs/*", "../../constructs/*", "../scripts/*", "../../scripts/*"], message: "plugins/ and lambda/ stand alone: shared types live in a neutral module." }] },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
