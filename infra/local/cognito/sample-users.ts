// The sample users `npm start` creates in the Cognito emulator.
//
// The README lists the same names and passwords; they exist only in the local emulator, never in a
// deployed pool.

export interface SampleUser {
  /** Short name for `npm run token -- <name>`. */
  readonly name: string;
  readonly email: string;
  readonly password: string;
  /** Role word; the user joins every template group whose name starts with it (reader → readers). */
  readonly role: string;
}

// Passwords satisfy Cognito's default policy (8+ characters, upper, lower, digit, symbol).
export const SAMPLE_USERS: readonly SampleUser[] = [
  { name: "reader", email: "reader@example.com", password: "Reader-Passw0rd!", role: "reader" },
  { name: "editor", email: "editor@example.com", password: "Editor-Passw0rd!", role: "editor" },
  { name: "admin", email: "admin@example.com", password: "Admin-Passw0rd!", role: "admin" },
];

/** Template groups a sample user joins: names starting with its role, case-insensitively. */
export function groupsForRole(role: string, groupNames: readonly string[]): string[] {
  return groupNames.filter((g) => g.toLowerCase().startsWith(role.toLowerCase()));
}
