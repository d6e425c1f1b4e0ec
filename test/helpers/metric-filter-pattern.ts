// A matcher for CloudWatch Logs JSON filter patterns, so that tests can run a metric filter's
// pattern against real log lines without CloudWatch. It implements the JSON syntax of "Filter pattern
// syntax for metric filters, subscription filters, and filter log events", section "Matching terms in
// JSON log events":
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
//
// - `{ SELECTOR OP VALUE }`, where SELECTOR is `$` followed by `.property` and `[index]` steps;
// - strings with `=` and `!=`, quoted or bare, with a leading and/or trailing `*` wildcard (an inner
//   `*` is a literal, as the page says of `Ev*ent`); `= *` matches any string or number;
// - numbers with `=`, `!=`, `<`, `>`, `<=`, `>=` (sign, decimals and exponent allowed);
// - `IS NULL`, `NOT EXISTS`, `IS TRUE`, `IS FALSE`;
// - `&&`, `||` and parentheses, with the page's precedence: () > && > ||.
//
// Anything else (space-delimited and plain-term patterns, regular expressions) is refused with an
// error, so that a pattern outside this subset fails its test instead of being judged by a guess.
// Its own tests, against the examples of that page: test/unit/metric-filter-pattern.test.ts.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Step = string | number;
type Condition = (event: Json) => boolean;

type Token =
  | { kind: "selector"; steps: Step[]; text: string }
  | { kind: "op"; op: "=" | "!=" | "<" | ">" | "<=" | ">=" }
  | { kind: "and" | "or" | "(" | ")" }
  | { kind: "string"; value: string }
  | { kind: "bare"; value: string }
  | { kind: "keyword"; words: "IS NULL" | "NOT EXISTS" | "IS TRUE" | "IS FALSE" };

export class UnsupportedPatternError extends Error {}

/** A compiled pattern: true when the log event message matches it. */
export function compileJsonFilterPattern(pattern: string): (message: string) => boolean {
  const trimmed = pattern.trim();
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
    throw new UnsupportedPatternError(`not a JSON filter pattern (must be enclosed in { }): ${pattern}`);
  }
  const parser = new Parser(tokenize(trimmed.slice(1, -1)), pattern);
  const condition = parser.parse();
  return (message: string) => {
    let event: Json;
    try {
      event = JSON.parse(message) as Json;
    } catch {
      return false; // A JSON pattern never matches an event that is not JSON.
    }
    return condition(event);
  };
}

export function matchesJsonFilterPattern(pattern: string, message: string): boolean {
  return compileJsonFilterPattern(pattern)(message);
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const rest = () => source.slice(i);
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const keyword = /^(IS\s+NULL|NOT\s+EXISTS|IS\s+TRUE|IS\s+FALSE)\b/.exec(rest());
    if (keyword) {
      const words = (keyword[1] as string).replace(/\s+/, " ") as Extract<
        Token,
        { kind: "keyword" }
      >["words"];
      tokens.push({ kind: "keyword", words });
      i += keyword[0].length;
      continue;
    }
    if (source.startsWith("&&", i) || source.startsWith("||", i)) {
      tokens.push({ kind: source[i] === "&" ? "and" : "or" });
      i += 2;
      continue;
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(rest());
    if (op) {
      tokens.push({ kind: "op", op: op[1] as Extract<Token, { kind: "op" }>["op"] });
      i += (op[1] as string).length;
      continue;
    }
    if (c === "(" || c === ")") {
      tokens.push({ kind: c });
      i += 1;
      continue;
    }
    if (c === "$") {
      // Property selectors: alphanumerics plus '-' and '_'; [NUMBER] for array elements.
      const selector = /^\$((?:\.[A-Za-z0-9_-]+|\[\d+\])+)/.exec(rest());
      if (!selector) throw new UnsupportedPatternError(`bad selector at "${rest()}"`);
      const steps: Step[] = [];
      for (const step of (selector[1] as string).matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)) {
        steps.push(step[1] !== undefined ? step[1] : Number(step[2]));
      }
      tokens.push({ kind: "selector", steps, text: selector[0] });
      i += selector[0].length;
      continue;
    }
    if (c === '"') {
      let value = "";
      let j = i + 1;
      for (; j < source.length && source[j] !== '"'; j += 1) {
        if (source[j] === "\\" && j + 1 < source.length) j += 1;
        value += source[j];
      }
      if (j >= source.length) throw new UnsupportedPatternError(`unterminated string in ${source}`);
      tokens.push({ kind: "string", value });
      i = j + 1;
      continue;
    }
    const bare = /^[^\s()&|=!<>"]+/.exec(rest());
    if (!bare) throw new UnsupportedPatternError(`unexpected "${c}" in ${source}`);
    tokens.push({ kind: "bare", value: bare[0] });
    i += bare[0].length;
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly pattern: string,
  ) {}

  parse(): Condition {
    const condition = this.or();
    if (this.position !== this.tokens.length) this.fail("unexpected trailing tokens");
    return condition;
  }

  private or(): Condition {
    const terms = [this.and()];
    while (this.peek()?.kind === "or") {
      this.position += 1;
      terms.push(this.and());
    }
    return terms.length === 1 ? (terms[0] as Condition) : (event) => terms.some((t) => t(event));
  }

  private and(): Condition {
    const factors = [this.primary()];
    while (this.peek()?.kind === "and") {
      this.position += 1;
      factors.push(this.primary());
    }
    return factors.length === 1 ? (factors[0] as Condition) : (event) => factors.every((f) => f(event));
  }

  private primary(): Condition {
    const token = this.next();
    if (token?.kind === "(") {
      const inner = this.or();
      if (this.next()?.kind !== ")") this.fail("missing )");
      return inner;
    }
    if (token?.kind !== "selector") return this.fail("expected a selector ($.field)");
    const operator = this.next();
    if (operator?.kind === "keyword") return keywordCondition(token.steps, operator.words);
    if (operator?.kind !== "op") return this.fail(`expected an operator after ${token.text}`);
    const value = this.next();
    if (value?.kind !== "string" && value?.kind !== "bare") return this.fail("expected a value");
    return comparison(token.steps, operator.op, value);
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.position];
    this.position += 1;
    return token;
  }

  private fail(why: string): never {
    throw new UnsupportedPatternError(`${why}: ${this.pattern}`);
  }
}

const MISSING = Symbol("missing");

function select(event: Json, steps: readonly Step[]): Json | typeof MISSING {
  let node: Json = event;
  for (const step of steps) {
    if (node === null || typeof node !== "object") return MISSING;
    if (typeof step === "number") {
      if (!Array.isArray(node) || step >= node.length) return MISSING;
      node = node[step] as Json;
    } else {
      if (Array.isArray(node) || !Object.hasOwn(node, step)) return MISSING;
      node = node[step] as Json;
    }
  }
  return node;
}

function keywordCondition(steps: readonly Step[], words: Extract<Token, { kind: "keyword" }>["words"]) {
  return (event: Json): boolean => {
    const node = select(event, steps);
    switch (words) {
      case "NOT EXISTS":
        return node === MISSING;
      case "IS NULL":
        return node === null;
      case "IS TRUE":
        return node === true;
      case "IS FALSE":
        return node === false;
    }
  };
}

function comparison(
  steps: readonly Step[],
  op: Extract<Token, { kind: "op" }>["op"],
  value: Extract<Token, { kind: "string" | "bare" }>,
): Condition {
  // A bare number is a numeric comparison; quoted text and other bare words are string comparisons.
  if (value.kind === "bare" && NUMBER.test(value.value)) {
    const expected = Number(value.value);
    return (event) => {
      const node = select(event, steps);
      if (typeof node !== "number") return false;
      switch (op) {
        case "=":
          return node === expected;
        case "!=":
          return node !== expected;
        case "<":
          return node < expected;
        case ">":
          return node > expected;
        case "<=":
          return node <= expected;
        case ">=":
          return node >= expected;
      }
    };
  }
  if (op !== "=" && op !== "!=") {
    throw new UnsupportedPatternError(`${op} needs a number, got ${JSON.stringify(value.value)}`);
  }
  // The selector must point to a value node: against an array, an object or a missing property,
  // both = and != fail to match (the page's "JSON special considerations").
  if (value.value === "*") {
    // `{ $.latency = * }` (the page's example for publishing a field's value): any string or number.
    return (event) => {
      const node = select(event, steps);
      const isValue = typeof node === "string" || typeof node === "number";
      return op === "=" ? isValue : false;
    };
  }
  const matches = wildcardMatcher(value.value);
  // Whether CloudWatch compares a string pattern with a number node is not documented, so numbers
  // never match a string condition here.
  return (event) => {
    const node = select(event, steps);
    if (typeof node !== "string") return false;
    return op === "=" ? matches(node) : !matches(node);
  };
}

function wildcardMatcher(text: string): (value: string) => boolean {
  const leading = text.startsWith("*");
  const trailing = text.endsWith("*");
  const core = text.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (leading && trailing) return (value) => value.includes(core);
  if (leading) return (value) => value.endsWith(core);
  if (trailing) return (value) => value.startsWith(core);
  return (value) => value === core;
}
