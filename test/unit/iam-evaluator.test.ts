// The evaluator (infra/local/apigateway/iam-policy.ts) decides every request of the local API Gateway
// and is the judge of every route-rules test, so it is tested on its own against the examples of the
// IAM and API Gateway documentation.
import { evaluatePolicy, iamGlobMatches } from "../../infra/local/apigateway/iam-policy";
import { methodArnFor } from "../helpers/iam-evaluator";

const allow = (...Resource: string[]) => ({ Effect: "Allow", Action: "execute-api:Invoke", Resource });
const deny = (...Resource: string[]) => ({ Effect: "Deny", Action: "execute-api:Invoke", Resource });
const policy = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });

describe("iamGlobMatches", () => {
  // IAM User Guide, "Using wildcards in resource ARNs": `amzn-s3-demo-bucket/*/test/*` applies to all
  // of these objects, because `*` expands across `/`, which is an ordinary character in a resource.
  it.each([
    "amzn-s3-demo-bucket/1/test/object.jpg",
    "amzn-s3-demo-bucket/1/2/test/object.jpg",
    "amzn-s3-demo-bucket/1/2/test/3/object.jpg",
    "amzn-s3-demo-bucket/1/2/3/test/4/object.jpg",
    "amzn-s3-demo-bucket/1///test///object.jpg",
    "amzn-s3-demo-bucket/1/test/.jpg",
    "amzn-s3-demo-bucket//test/object.jpg",
    "amzn-s3-demo-bucket/1/test/",
  ])("* spans slashes and empty runs: %s", (key) => {
    expect(iamGlobMatches("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", `arn:aws:s3:::${key}`)).toBe(true);
  });

  it.each(["amzn-s3-demo-bucket/1-test/object.jpg", "amzn-s3-demo-bucket/test/object.jpg"])(
    "does not match without the literal /test/: %s",
    (key) => {
      expect(iamGlobMatches("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", `arn:aws:s3:::${key}`)).toBe(false);
    },
  );

  it("? matches exactly one character, including /", () => {
    expect(iamGlobMatches("GET/items/?", "GET/items/7")).toBe(true);
    expect(iamGlobMatches("GET/items?7", "GET/items/7")).toBe(true);
    expect(iamGlobMatches("GET/items/?", "GET/items/")).toBe(false);
    expect(iamGlobMatches("GET/items/?", "GET/items/42")).toBe(false);
  });

  it("treats regex metacharacters in resources literally", () => {
    expect(iamGlobMatches("GET/a.b", "GET/a.b")).toBe(true);
    expect(iamGlobMatches("GET/a.b", "GET/axb")).toBe(false);
    expect(iamGlobMatches("GET/(x)+", "GET/(x)+")).toBe(true);
  });

  it("is case-sensitive unless told otherwise", () => {
    expect(iamGlobMatches("GET/Items", "GET/items")).toBe(false);
    expect(iamGlobMatches("execute-api:invoke", "execute-api:Invoke", { ignoreCase: true })).toBe(true);
  });
});

describe("evaluatePolicy", () => {
  // API Gateway developer guide, "IAM policy examples for API execution permissions".
  const demo = "arn:aws:execute-api:us-east-1:*:a123456789/test/POST/mydemoresource/*";

  it("allows any POST along the path of mydemoresource, and nothing else", () => {
    const doc = policy(allow(demo));
    const arn = (rest: string) => `arn:aws:execute-api:us-east-1:111122223333:a123456789/test/${rest}`;
    expect(evaluatePolicy(doc, arn("POST/mydemoresource/1")).decision).toBe("Allow");
    expect(evaluatePolicy(doc, arn("POST/mydemoresource/1/2/3")).decision).toBe("Allow");
    expect(evaluatePolicy(doc, arn("GET/mydemoresource/1")).decision).toBe("Deny");
    expect(evaluatePolicy(doc, arn("POST/mydemoresource")).decision).toBe("Deny");
    expect(evaluatePolicy(doc, arn("POST/other/mydemoresource/1")).decision).toBe("Deny");
  });

  it("allows any method on petstorewalkthrough/pets in any stage and region", () => {
    const doc = policy(allow("arn:aws:execute-api:*:*:a123456789/*/*/petstorewalkthrough/pets"));
    const arn = "arn:aws:execute-api:eu-west-1:111122223333:a123456789/prod/DELETE/petstorewalkthrough/pets";
    expect(evaluatePolicy(doc, arn).decision).toBe("Allow");
    // `*` for the method also spans extra path segments: the documented pattern is wider than it reads.
    const deeper =
      "arn:aws:execute-api:eu-west-1:111122223333:a123456789/prod/GET/x/petstorewalkthrough/pets";
    expect(evaluatePolicy(doc, deeper).decision).toBe("Allow");
    expect(evaluatePolicy(doc, `${arn}/1`).decision).toBe("Deny");
  });

  it("lets an explicit Deny override an Allow, whatever the statement order", () => {
    // API Gateway guide, "Control access for invoking an API": allow GET /pets, deny POST /pets.
    const prefix = "arn:aws:execute-api:us-east-1:111111111111:api-id/";
    for (const doc of [
      policy(allow(`${prefix}*/*/pets`), deny(`${prefix}*/POST/pets`)),
      policy(deny(`${prefix}*/POST/pets`), allow(`${prefix}*/*/pets`)),
    ]) {
      expect(evaluatePolicy(doc, `${prefix}prod/GET/pets`)).toEqual({
        decision: "Allow",
        explicitDeny: false,
      });
      expect(evaluatePolicy(doc, `${prefix}prod/POST/pets`)).toEqual({
        decision: "Deny",
        explicitDeny: true,
      });
    }
  });

  it("denies implicitly when nothing matches", () => {
    const doc = policy(allow("arn:aws:execute-api:us-east-1:111111111111:api-id/prod/GET/pets"));
    expect(evaluatePolicy(doc, "arn:aws:execute-api:us-east-1:111111111111:api-id/prod/GET/pets/1")).toEqual({
      decision: "Deny",
      explicitDeny: false,
    });
  });

  it("matches actions case-insensitively and with wildcards", () => {
    const resource = "arn:aws:execute-api:us-east-1:111111111111:api-id/prod/GET/pets";
    const withAction = (Action: unknown) => policy({ Effect: "Allow", Action, Resource: resource });
    expect(evaluatePolicy(withAction("execute-api:*"), resource).decision).toBe("Allow");
    expect(evaluatePolicy(withAction("EXECUTE-API:invoke"), resource).decision).toBe("Allow");
    expect(evaluatePolicy(withAction(["s3:GetObject", "execute-api:Inv*"]), resource).decision).toBe("Allow");
    expect(evaluatePolicy(withAction("execute-api:ManageConnections"), resource).decision).toBe("Deny");
    expect(evaluatePolicy(withAction("*"), resource).decision).toBe("Allow");
  });

  it("accepts a single statement object and a string Resource", () => {
    const resource = "arn:aws:execute-api:us-east-1:111111111111:api-id/prod/GET/pets";
    const doc = {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Action: "execute-api:Invoke", Resource: resource },
    };
    expect(evaluatePolicy(doc, resource).decision).toBe("Allow");
  });

  it("refuses elements it does not model instead of ignoring them", () => {
    const doc = policy({ Effect: "Allow", Action: "execute-api:Invoke", NotResource: "x" });
    expect(() => evaluatePolicy(doc, "x")).toThrow(/NotResource/);
    expect(() => evaluatePolicy(policy({ Effect: "allow", Action: "a", Resource: "x" }), "x")).toThrow(
      /Effect/,
    );
    expect(() => evaluatePolicy(policy(), "x")).toThrow(/Statement/);
    expect(() => evaluatePolicy(policy({ Effect: "Allow", Action: "a", Resource: [] }), "x")).toThrow(
      /Resource/,
    );
  });

  it("builds method ARNs like API Gateway, root included", () => {
    const prefix = "arn:aws:execute-api:us-east-1:111111111111:api-id/prod/";
    expect(methodArnFor(prefix, "GET", "/")).toBe(`${prefix}GET/`);
    expect(methodArnFor(prefix, "GET", "/items/42")).toBe(`${prefix}GET/items/42`);
  });
});
