// Finds what would pin a CloudFormation template to one account or Region: a Region code or a
// 12-digit account id written as a literal anywhere in it (inside ARNs, URLs, outputs, ...).
// An environment-agnostic template names them only through AWS::Region and AWS::AccountId.

import { RegionInfo } from "aws-cdk-lib/region-info";

/** Every Region code aws-cdk-lib knows, longest first so that a match names the whole code. */
const REGION_CODES = RegionInfo.regions.map((r) => r.name).sort((a, b) => b.length - a.length);
/** 12 digits standing alone (as between the colons of an ARN), not inside an asset hash. */
const ACCOUNT_ID = /(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z])/;

/**
 * The literal Region codes and account ids of a template, each as `path: string`. A Region compared
 * with `{ "Ref": "AWS::Region" }` in `Fn::Equals` is not a pin (CDK's metadata condition lists the
 * Regions where its metadata resource exists that way) and is left out.
 */
export function environmentLiterals(template: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (typeof node === "string") {
      const region = REGION_CODES.find((code) => node.includes(code));
      if (region !== undefined || ACCOUNT_ID.test(node)) found.push(`${path}: ${node}`);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "Fn::Equals" && Array.isArray(value) && isRegionComparison(value)) continue;
      visit(value, `${path}.${key}`);
    }
  };
  visit(template, "$");
  return found;
}

function isRegionComparison(operands: unknown[]): boolean {
  const isRegionRef = (x: unknown): boolean =>
    typeof x === "object" && x !== null && (x as { Ref?: unknown }).Ref === "AWS::Region";
  return (
    operands.length === 2 &&
    operands.some(isRegionRef) &&
    operands.some((x) => typeof x === "string" && REGION_CODES.includes(x))
  );
}
