// A real `cdk synth` of this app (esbuild bundling included) into `outdir`, offline, as `npm run
// synth` runs it: for the integration tests that need the deployable cloud assembly.

import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** Runs the CDK CLI's synth; throws with its output when it fails. */
export function realSynth(outdir: string): void {
  const result = spawnSync(
    join(ROOT, "node_modules", ".bin", "cdk"),
    ["synth", "--no-notices", "--quiet", "--output", outdir],
    {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 200_000,
      env: {
        ...process.env,
        CDK_DISABLE_VERSION_CHECK: "1",
        CDK_DISABLE_CLI_TELEMETRY: "true",
        // Offline: never wait for the EC2 metadata endpoint while looking for a default region.
        AWS_EC2_METADATA_DISABLED: "true",
      },
    },
  );
  if (result.status !== 0) {
    throw new Error(`cdk synth failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}
