// isGroupName: the cold-start fast path for ASCII group names must accept and refuse exactly what
// Cognito's GroupName pattern (GROUP_NAME, the Unicode property classes) does.

import { GROUP_NAME, isGroupName } from "../../lambda/authorizer/route-rule-validation";

const ASCII = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));

describe("isGroupName", () => {
  it("decides every ASCII character as GROUP_NAME does", () => {
    // Protects: the fast path neither lets a control character or space into a rule nor refuses
    // a name Cognito accepts.
    const disagreements = ASCII.filter((c) => isGroupName(`a${c}b`) !== GROUP_NAME.test(`a${c}b`));
    expect(disagreements).toEqual([]);
    expect(ASCII.filter((c) => isGroupName(c)).length).toBe(0x7e - 0x21 + 1);
  });

  it.each([
    ["admins", true],
    ["", false],
    ["a".repeat(128), true],
    ["a".repeat(129), false],
    ["read ers", false],
    ["Éditeurs", true], // a letter outside ASCII: decided by GROUP_NAME
    ["ü".repeat(128), true],
    ["ü".repeat(129), false],
    ["team\u00a0one", false], // no-break space (Zs)
    ["x\u200b", false], // zero-width space (Cf)
  ])("%j → %s, as GROUP_NAME", (name, expected) => {
    expect(isGroupName(name)).toBe(expected);
    expect(GROUP_NAME.test(name)).toBe(expected);
  });
});
