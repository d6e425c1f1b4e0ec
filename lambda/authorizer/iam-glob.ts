// IAM resource globs as automata: which strings a glob matches, and whether two globs share one.
//
// IAM resource wildcards: `*` matches any run of characters, including `/` and the empty run; `?`
// matches exactly one character; everything else matches itself (resources are case-sensitive).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
// States are positions in the glob; a set of states is kept sorted and closed under skipping `*`.

/** The states before any character is read. */
export function startStates(glob: string): readonly number[] {
  return closure(glob, [0]);
}

/** Does the glob match the text read so far (is the end of the glob among the states)? */
export function isAccepting(glob: string, states: readonly number[]): boolean {
  return states.includes(glob.length);
}

function closure(glob: string, states: readonly number[]): number[] {
  const out = new Set<number>();
  for (let p of states) {
    out.add(p);
    while (glob[p] === "*") out.add(++p);
  }
  return [...out].sort((a, b) => a - b);
}

/** The states after reading `text`; empty as soon as no continuation can match. */
export function step(glob: string, states: readonly number[], text: string): readonly number[] {
  let current = states;
  for (const ch of text) {
    const next: number[] = [];
    for (const p of current) {
      const g = glob[p];
      if (g === "*") next.push(p);
      else if (g === "?" || g === ch) next.push(p + 1);
    }
    current = closure(glob, next);
    if (current.length === 0) break;
  }
  return current;
}

/** Is there a string both globs match? (`*` on either side may absorb the other's characters.) */
export function globsIntersect(a: string, b: string): boolean {
  // Fast path: the literal prefixes (before the first `*`) and suffixes (after the last) of both globs
  // are anchored, so they must agree where they overlap. This rejects most pairs of routes in O(length).
  const fixedEnds = (x: string, y: string): boolean => {
    for (let i = 0; i < x.length && i < y.length && x[i] !== "*" && y[i] !== "*"; i++) {
      if (x[i] !== y[i] && x[i] !== "?" && y[i] !== "?") return false;
    }
    return true;
  };
  const reverse = (x: string) => [...x].reverse().join("");
  if (!fixedEnds(a, b) || !fixedEnds(reverse(a), reverse(b))) return false;
  // Bottom-up over suffixes: ok[i][j] = some string matches both a[i..] and b[j..].
  const m = a.length;
  const n = b.length;
  const ok = new Uint8Array((m + 1) * (n + 1));
  const at = (i: number, j: number) => ok[i * (n + 1) + j] === 1;
  for (let i = m; i >= 0; i--) {
    for (let j = n; j >= 0; j--) {
      let r: boolean;
      if (i === m && j === n) r = true;
      else if (a[i] === "*") r = at(i + 1, j) || (j < n && at(i, j + 1));
      else if (b[j] === "*") r = at(i, j + 1) || (i < m && at(i + 1, j));
      else r = i < m && j < n && (a[i] === b[j] || a[i] === "?" || b[j] === "?") && at(i + 1, j + 1);
      if (r) ok[i * (n + 1) + j] = 1;
    }
  }
  return at(0, 0);
}
