// fast-check generators of API Gateway resource paths, shared by the route-rule property tests
// (REST and HTTP APIs): small alphabets, so that random routes overlap often.

import fc from "fast-check";

/** The literal segments random routes are made of. */
export const LITERALS = ["a", "b"];

/** A segment no route names: it stands for every such value (matching compares whole segments). */
export const FRESH = "z";

/** A segment at `depth`: a literal, a `{param}`, or (last only) a greedy `{rest+}`. */
export const segmentAt = (depth: number, last: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...LITERALS), weight: 3 },
    { arbitrary: fc.constant(`{p${depth}}`), weight: 2 },
    { arbitrary: fc.constant("{rest+}"), weight: last ? 1 : 0 },
  );

/** A resource path of 0 to 3 segments: `/`, `/a`, `/{p0}/b`, `/a/{rest+}`... */
export const pathArb: fc.Arbitrary<string> = fc
  .integer({ min: 0, max: 3 })
  .chain((n) =>
    n === 0
      ? fc.constant("/")
      : fc
          .tuple(...Array.from({ length: n }, (_, i) => segmentAt(i, i === n - 1)))
          .map((s) => "/" + s.join("/")),
  );
