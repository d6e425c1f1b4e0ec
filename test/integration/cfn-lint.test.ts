// cfn-lint on every template the app synthesizes: one real `cdk synth` with esbuild bundling, the
// way `npm run synth` and `cdk deploy` run it, plus the context switches users deploy with. The
// rules are the project's .cfnlintrc.yaml (every commercial Region of the aws partition; each
// acknowledged check with its reason). Any finding fails the test and is printed.
// Needs cfn-lint on PATH (CI has 1.51): https://github.com/aws-cloudformation/cfn-lint

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { createApp } from "../../infra/app";
import { SAMPLE_STACK_ID } from "../../infra/sample-stack";
import { environmentLiterals } from "../helpers/environment-literals";
import { realSynth } from "../helpers/real-synth";
import { CDK_JSON_CONTEXT } from "../helpers/cdk-app";
import { largeApiStack } from "../helpers/large-api";

jest.setTimeout(300_000);

const ROOT = join(__dirname, "..", "..");

/** The switches of the README, each synthesized (without bundling: cfn-lint reads templates only). */
const VARIANTS: Record<string, Record<string, string>> = {
  "apiGatewayCloudWatchRole=false": { apiGatewayCloudWatchRole: "false" },
  "OAuth scopes, a domain, deletion protection": {
    requireOAuthScopes: "true",
    cognitoDomainPrefix: "my-sample-auth",
    callbackUrls: "https://app.example.com/callback",
    userPoolDeletionProtection: "true",
  },
  "an existing user pool": { userPoolId: "eu-west-1_AbC123xyz", userPoolClientId: "abc123def456" },
  "pinned to an account and a Region": { account: "210987654321", region: "eu-west-1" },
  // Without the HTTP API, whose AWS::ApiGatewayV2 resources acknowledge E3006 for the two Regions
  // without them (infra/sample-stack.ts): the stack then lints clean in every Region.
  "httpApi=false": { httpApi: "false" },
};

interface Lint {
  readonly status: number | null;
  readonly output: string;
}

/** cfn-lint from the repository root, so that it reads .cfnlintrc.yaml. */
function cfnLint(args: readonly string[]): Lint {
  const result = spawnSync("cfn-lint", [...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  if (result.error !== undefined) {
    throw new Error(
      `cfn-lint could not be run (${result.error.message}): pip install cfn-lint (CI runs 1.51)`,
    );
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** Every CloudFormation template in a cloud assembly directory (stacks and nested stacks). */
function templatesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".template.json"))
    .map((f) => join(dir, f));
}

/** The `ignore_checks` entries of .cfnlintrc.yaml, one `- ID  # reason` per line. */
function acknowledgements(): { id: string; reason: string }[] {
  const config = readFileSync(join(ROOT, ".cfnlintrc.yaml"), "utf8");
  const section = config.slice(config.indexOf("ignore_checks:"));
  return [...section.matchAll(/^ {2}- ([EWI]\d{4})(?: +# *(.*))?$/gm)].map((m) => ({
    id: m[1]!,
    reason: m[2] ?? "",
  }));
}

interface Finding {
  readonly id: string;
  readonly line: string;
}

/** cfn-lint with the config's Regions but nothing ignored (X9999 names no rule); parseable lines. */
function lintWithoutAcknowledgements(templates: readonly string[]): Finding[] {
  const lint = cfnLint(["--format", "parseable", "--ignore-checks", "X9999", "--", ...templates]);
  if (lint.output === "") return [];
  // A line that names no rule (a crash, a parse error) counts as an unacknowledged finding.
  return lint.output.split("\n").map((line) => ({ id: /:([EWI]\d{4}):/.exec(line)?.[1] ?? "?", line }));
}

let scratch: string;
let synthDir: string;
const variantDirs = new Map<string, string>();
/** Every template: the real synth's and one per variant (the app has one stack). */
let allTemplates: string[][];
let findings: Finding[];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "cfn-lint-"));
  synthDir = join(scratch, "cdk.out");
  realSynth(synthDir);
  for (const [name, context] of Object.entries(VARIANTS)) {
    const outdir = join(scratch, `variant-${name.replace(/[^A-Za-z0-9=]+/g, "-")}`);
    createApp(
      new App({ outdir, context: { ...CDK_JSON_CONTEXT, "aws:cdk:bundling-stacks": [], ...context } }),
    ).synth();
    variantDirs.set(name, outdir);
  }
  // A 300-route API (README, "Route rules": the limits): the package's construct at that size.
  const largeDir = join(scratch, "large-api-300-routes");
  const large = new App({ outdir: largeDir, context: { ...CDK_JSON_CONTEXT } });
  largeApiStack(large, "LargeApi", 300);
  large.synth();
  variantDirs.set("300 routes", largeDir);
  allTemplates = [synthDir, ...variantDirs.values()].map(templatesIn);
  findings = lintWithoutAcknowledgements(allTemplates.flat());
});

afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

test("`cdk synth` without an environment writes environment-agnostic templates: no Region, no account", () => {
  // Protects: the CLI sets CDK_DEFAULT_REGION (us-east-1 when nothing is configured); the synthesized
  // stack must still deploy to whichever account and Region `cdk deploy` targets.
  // Arrange
  const manifest = JSON.parse(readFileSync(join(synthDir, "manifest.json"), "utf8")) as {
    artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.values(manifest.artifacts).filter((a) => a.type === "aws:cloudformation:stack");
  // Act
  const literals = stacks.flatMap((a) =>
    environmentLiterals(JSON.parse(readFileSync(join(synthDir, a.properties?.templateFile ?? ""), "utf8"))),
  );
  // Assert
  expect(stacks.map((a) => a.properties?.templateFile)).toEqual([`${SAMPLE_STACK_ID}.template.json`]);
  expect(stacks.map((a) => a.environment)).toEqual(["aws://unknown-account/unknown-region"]);
  expect(literals).toEqual([]);
});

test("cfn-lint finds nothing but the acknowledged checks in the templates `cdk synth` writes, nor with the README's switches, nor for a 300-route API", () => {
  // Protects: a template CloudFormation (or one of the Regions) would reject fails CI, not the
  // user's deploy; the switches the README offers synthesize templates as clean as the default.
  // Findings name their file: cdk.out/ for the real synth, variant-<switches>/ for the others.
  expect(allTemplates.map((files) => files.length)).toEqual(allTemplates.map(() => 1));
  const acknowledged = new Set(acknowledgements().map((a) => a.id));
  const unacknowledged = findings.filter((f) => !acknowledged.has(f.id));
  expect(unacknowledged.map((f) => f.line)).toEqual([]);
});

test("cfn-lint does fail on an error injected into the synthesized template (the tests above can fail)", () => {
  // Protects: the check against a configuration that silences errors (an ignore list, wrong
  // regions, a template cfn-lint does not read).
  // Arrange: an authorizer cache TTL beyond API Gateway's 3600 s.
  const templatePath = join(synthDir, `${SAMPLE_STACK_ID}.template.json`);
  const template = JSON.parse(readFileSync(templatePath, "utf8")) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const [authorizerId, authorizer] = Object.entries(template.Resources).find(
    ([, r]) => r.Type === "AWS::ApiGateway::Authorizer",
  )!;
  authorizer.Properties.AuthorizerResultTtlInSeconds = 7200;
  const broken = join(scratch, "broken.template.json");
  writeFileSync(broken, JSON.stringify(template, null, 1));
  // Act
  const lint = cfnLint(["--format", "parseable", "--", broken]);
  // Assert: exit status bit 2 means an error-level finding.
  expect((lint.status ?? 0) & 2).toBe(2);
  expect(lint.output).toMatch(
    new RegExp(`:E\\d{4}:.*7200|Resources/${authorizerId}/Properties/AuthorizerResultTtlInSeconds`),
  );
});

test("every check .cfnlintrc.yaml acknowledges has a reason and still fires without the acknowledgement", () => {
  // Protects: acknowledgements stay specific: none without its reason, none left over after the
  // finding it excused has gone.
  const entries = acknowledgements();
  expect(entries.length).toBeGreaterThan(0);
  for (const { id, reason } of entries) {
    expect({ id, hasReason: reason.length > 40 }).toEqual({ id, hasReason: true });
  }
  const fired = new Set(findings.map((f) => f.id));
  expect([...fired].sort()).toEqual(entries.map((e) => e.id).sort());
});

test("the HTTP API's E3006 acknowledgement still fires without it, for its own resource types and two Regions only", () => {
  // Protects: the per-resource acknowledgement (infra/sample-stack.ts) excuses exactly what the
  // README says: no AWS::ApiGatewayV2 in ap-east-2 and ap-southeast-6, nothing else.
  // Arrange: the synthesized template without the resources' cfn-lint metadata.
  const template = JSON.parse(readFileSync(join(synthDir, `${SAMPLE_STACK_ID}.template.json`), "utf8")) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
  };
  const acknowledgedTypes = new Set<string>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Metadata?.["cfn-lint"] === undefined) continue;
    acknowledgedTypes.add(resource.Type);
    delete resource.Metadata["cfn-lint"];
  }
  const bare = join(scratch, "without-acknowledgement.template.json");
  writeFileSync(bare, JSON.stringify(template, null, 1));
  // Act
  const lint = cfnLint(["--format", "parseable", "--", bare]);
  // Assert
  expect([...acknowledgedTypes].every((t) => t.startsWith("AWS::ApiGatewayV2::"))).toBe(true);
  const lines = lint.output.split("\n").filter((l) => l !== "");
  const excused =
    /:E3006:Resource type '(AWS::ApiGatewayV2::\w+)' does not exist in '(ap-east-2|ap-southeast-6)'$/;
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.filter((l) => !excused.test(l))).toEqual([]);
  expect(new Set(lines.map((l) => excused.exec(l)?.[1]))).toEqual(acknowledgedTypes);
});

test("with .cfnlintrc.yaml as `npm run lint:cfn` uses it, cfn-lint passes the synthesized template", () => {
  // Protects: the user's command (the config's own ignore list and Regions) agrees with the checks above.
  expect(cfnLint(["--format", "parseable", "--", ...templatesIn(synthDir)])).toEqual({
    status: 0,
    output: "",
  });
});
