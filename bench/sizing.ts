// Lambda cost per million authorizations, on paper, from the CPU time measured per request.
//
// Model (arm64, on-demand): below 1769 MB a function gets a CPU share of memory / 1769 MB of one
// vCPU, so CPU-bound work takes cpu / share of wall time; Lambda bills the duration rounded up to
// the millisecond (at least 1 ms) at memory × price per GB-second, plus a price per request.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
//
// What the model leaves out, and why it only makes things worse at small sizes: the runtime's own
// work per invocation (Runtime API round trip, event JSON parse, response serialise) is CPU too and
// also divides by the share; Graviton cores may be slower than this machine's for RSA; a noisy
// neighbour cannot steal from a throttled share but cgroup throttling makes tail latency jumpy.

/**
 * On-demand prices from https://aws.amazon.com/lambda/pricing/ for Arm (arm64) in US East
 * (N. Virginia), first duration tier (up to 7.5 billion GB-seconds a month):
 * Duration $0.0000133334 per GB-second; Requests $0.20 per 1M requests. Prices change: check the page.
 * API Gateway's own charges (https://aws.amazon.com/api-gateway/pricing/) are not modelled here.
 */
export const PRICES = {
  perGbSecondUsd: 0.0000133334,
  perMillionRequestsUsd: 0.2,
  source:
    "https://aws.amazon.com/lambda/pricing/ (Arm, US East (N. Virginia), first duration tier; prices change, check the page)",
} as const;

export const FULL_VCPU_MB = 1769;
export const MEMORY_SIZES_MB = [128, 256, 512, 1024] as const;

export interface SizingRow {
  readonly memoryMb: number;
  readonly cpuShare: number;
  /** Wall time of the handler on a cache miss (distinct token), ms. */
  readonly missWallMs: number;
  readonly missBilledMs: number;
  /** Wall time of the handler on an in-process cache hit (repeated token), ms. */
  readonly hitWallMs: number;
  /** Cold-start init (import incl. JWKS hydration, CPU-scaled), ms: what the first caller waits for. */
  readonly initWallMs: number;
  /** $ per million authorizations, every one a Lambda invocation (no API Gateway cache). */
  readonly usdPerMillionNoCache: number;
  /** $ per million authorizations with API Gateway's result cache answering `hitRatio` of them. */
  readonly usdPerMillionWithCache: number;
}

export interface SizingInput {
  /** Mean CPU µs per request on a miss of every cache (distinct tokens). */
  readonly missCpuUs: number;
  /** Mean CPU µs per request on a verified-token cache hit. */
  readonly hitCpuUs: number;
  /** Import of the bundle at one full core, ms (the JWKS fetch is I/O, counted once, unscaled). */
  readonly importCpuMs: number;
  readonly jwksMs: number;
  /** API Gateway result cache hit ratio, 0..1. */
  readonly hitRatio: number;
}

export function sizing(input: SizingInput): SizingRow[] {
  return MEMORY_SIZES_MB.map((memoryMb) => {
    const cpuShare = Math.min(1, memoryMb / FULL_VCPU_MB);
    const missWallMs = input.missCpuUs / 1000 / cpuShare;
    const missBilledMs = Math.max(1, Math.ceil(missWallMs));
    const perInvocation = (missBilledMs / 1000) * (memoryMb / 1024) * PRICES.perGbSecondUsd;
    const perMillionInvocations = 1e6 * perInvocation + PRICES.perMillionRequestsUsd;
    return {
      memoryMb,
      cpuShare,
      missWallMs,
      missBilledMs,
      hitWallMs: input.hitCpuUs / 1000 / cpuShare,
      initWallMs: (input.importCpuMs - input.jwksMs) / cpuShare + input.jwksMs,
      usdPerMillionNoCache: perMillionInvocations,
      usdPerMillionWithCache: perMillionInvocations * (1 - input.hitRatio),
    };
  });
}
