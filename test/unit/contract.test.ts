// The contract the deployers share with the authorizer: id formats, the issuer and JWKS URLs.
import {
  cognitoIssuer,
  cognitoJwksUri,
  isClientId,
  isTokenUse,
  isUserPoolId,
  regionOf,
} from "../../lambda/authorizer/contract";

describe("Cognito ids", () => {
  it.each([
    ["us-east-1_AbC123", "us-east-1"],
    ["eu-central-2_x", "eu-central-2"],
    ["us-gov-west-1_LocalPool1", "us-gov-west-1"],
  ])("reads the region of %s", (id, region) => {
    expect(isUserPoolId(id)).toBe(true);
    expect(regionOf(id)).toBe(region);
  });

  it.each(["", "us-east-1", "us-east-1_", "_AbC", "US-EAST-1_AbC", "us-east-1_Ab-C", "us-east-1_a/b"])(
    "refuses %j as a user pool id, and has no region for it",
    (id) => {
      expect(isUserPoolId(id)).toBe(false);
      expect(() => regionOf(id)).toThrow(/is not a Cognito user pool id/);
    },
  );

  it("builds the issuer and the JWKS URL the way Cognito publishes them", () => {
    // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
    expect(cognitoIssuer("eu-west-1_AbC123")).toBe(
      "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
    );
    expect(cognitoJwksUri("eu-west-1_AbC123").href).toBe(
      "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json",
    );
  });

  it("accepts app client ids of letters and digits only", () => {
    expect(isClientId("1example23456789abcdefghij")).toBe(true);
    for (const bad of ["", "a b", "a,b", "a_b", "x".repeat(129)]) expect(isClientId(bad)).toBe(false);
  });

  it("knows exactly two token uses", () => {
    expect(["access", "id"].every(isTokenUse)).toBe(true);
    for (const bad of ["Access", "refresh", "", undefined]) expect(isTokenUse(bad)).toBe(false);
  });
});
