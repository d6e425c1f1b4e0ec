// ESLint flat config: typescript-eslint's type-checked rules, Prettier last.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "cdk.out/",
      "coverage/",
      ".cognito/",
      ".tmp/",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    rules: {
      // Tests and scripts poke at untyped JSON (events, templates) on purpose.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // The sample stack uses the authorizer the way another team's app does: through the package's
    // public entry (index.ts), never its internals. (app.ts, the app's entry, validates its context
    // with the authorizer's own id checks.)
    files: ["infra/sample-stack.ts", "infra/routes.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^\\.\\./lambda/",
              message:
                "The sample stack uses the package's public entry, \"../index\", not the authorizer's modules.",
            },
            {
              regex:
                "^\\./constructs/(cognito-jwt-authorizer|authorizer-monitoring|authorizer-options|prebuilt-handler|lambda-environment-size)$",
              message: 'Import the authorizer from the package\'s public entry, "../index".',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
