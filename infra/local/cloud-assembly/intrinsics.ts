// CloudFormation intrinsic functions, resolved to local values.
//
// Only what a synthesized CDK app puts in the places the local stack reads (Lambda environment,
// integration URIs, outputs): Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split.
// Anything else is refused with the path of the value, so a new construct never silently
// hands a Lambda function an "[object Object]" environment variable.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html

export class UnresolvableValueError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = "UnresolvableValueError";
  }
}

/** What a Ref or Fn::GetAtt means locally. */
export interface LocalValues {
  /** `Ref` of a pseudo parameter (`AWS::Region`) or of a resource's logical id. */
  readonly ref: (logicalId: string) => string | undefined;
  /** `Fn::GetAtt [logicalId, attribute]`. */
  readonly getAtt: (logicalId: string, attribute: string) => string | undefined;
}

/** Resolve a template value to a string, or throw UnresolvableValueError naming `where`. */
export function resolveString(value: unknown, values: LocalValues, where: string): string {
  const resolved = resolveValue(value, values, where);
  if (typeof resolved === "string") return resolved;
  if (typeof resolved === "number" || typeof resolved === "boolean") return String(resolved);
  throw new UnresolvableValueError(where, "does not resolve to a string");
}

function resolveValue(value: unknown, values: LocalValues, where: string): unknown {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v, i) => resolveValue(v, values, `${where}[${i}]`));
  if (value === null || typeof value !== "object") {
    throw new UnresolvableValueError(where, "is not a CloudFormation value");
  }
  const entries = Object.entries(value);
  const [entry] = entries;
  if (entries.length !== 1 || entry === undefined) {
    throw new UnresolvableValueError(where, "is an object, not an intrinsic function");
  }
  const [fn, arg] = entry as [string, unknown];
  switch (fn) {
    case "Ref": {
      const name = String(arg);
      const resolved = values.ref(name);
      if (resolved === undefined) throw new UnresolvableValueError(where, `no local value for Ref ${name}`);
      return resolved;
    }
    case "Fn::GetAtt": {
      const [first, second] = (Array.isArray(arg) ? arg : String(arg).split(".")) as unknown[];
      const logicalId = String(first);
      const attribute = String(second);
      const resolved = values.getAtt(logicalId, attribute);
      if (resolved === undefined) {
        throw new UnresolvableValueError(where, `no local value for Fn::GetAtt ${logicalId}.${attribute}`);
      }
      return resolved;
    }
    case "Fn::Join": {
      const [separator, parts] = asArgs(arg, 2, where, fn) as [unknown, unknown];
      const list = resolveValue(parts, values, `${where}.${fn}`);
      if (!Array.isArray(list)) throw new UnresolvableValueError(where, "Fn::Join needs a list");
      return list.map((p, i) => resolveString(p, values, `${where}.${fn}[${i}]`)).join(String(separator));
    }
    case "Fn::Select": {
      const [index, list] = asArgs(arg, 2, where, fn);
      const resolved = resolveValue(list, values, `${where}.${fn}`);
      const i = Number(resolveValue(index, values, `${where}.${fn}`));
      if (!Array.isArray(resolved) || !(i in resolved)) {
        throw new UnresolvableValueError(where, "Fn::Select index out of range");
      }
      return resolved[i] as unknown;
    }
    case "Fn::Split": {
      const [separator, text] = asArgs(arg, 2, where, fn);
      return resolveString(text, values, `${where}.${fn}`).split(String(separator));
    }
    case "Fn::Sub": {
      const [template, variables] = Array.isArray(arg) ? asArgs(arg, 2, where, fn) : [arg, {}];
      const local = Object.fromEntries(
        Object.entries((variables ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k,
          resolveString(v, values, `${where}.${fn}.${k}`),
        ]),
      );
      return String(template).replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
        if (name in local) return local[name] as string;
        const [logicalId, attribute] = name.split(".");
        const resolved =
          attribute === undefined ? values.ref(name) : values.getAtt(logicalId as string, attribute);
        if (resolved === undefined) throw new UnresolvableValueError(where, `no local value for \${${name}}`);
        return resolved;
      });
    }
    default:
      throw new UnresolvableValueError(where, `${fn} is not supported by the local stack`);
  }
}

function asArgs(arg: unknown, count: number, where: string, fn: string): unknown[] {
  if (!Array.isArray(arg) || arg.length !== count) {
    throw new UnresolvableValueError(where, `${fn} expects ${count} arguments`);
  }
  return arg;
}

/** Logical ids referenced anywhere inside a value (Ref and Fn::GetAtt), e.g. the function behind an integration URI. */
export function referencedLogicalIds(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (v === null || typeof v !== "object") return;
    for (const [key, inner] of Object.entries(v)) {
      if (key === "Ref" && typeof inner === "string") found.push(inner);
      else if (key === "Fn::GetAtt" && Array.isArray(inner) && typeof inner[0] === "string")
        found.push(inner[0]);
      else walk(inner);
    }
  };
  walk(value);
  return found;
}
