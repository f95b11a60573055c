/** A user of the test IdP. The password is obviously fake: dev interactions never check it. */
export interface TestUser {
  login: string;
  password: string;
  claims: { sub: string; email: string; email_verified: boolean; name: string; preferred_username: string };
}

function testUser(login: string, name: string, sub: string): TestUser {
  return Object.freeze({
    login,
    password: 'not-a-real-password',
    claims: Object.freeze({
      sub,
      email: `${login}@example.test`,
      email_verified: true,
      name,
      preferred_username: login,
    }),
  });
}

/** The first user, whom the tests log in unless they say otherwise. */
export const TEST_USER: TestUser = testUser('alice', 'Alice Example', 'alice');

/** Every user, by login: two, for the tests of several accounts. */
export const TEST_USERS: Readonly<Record<'alice' | 'bob', TestUser>> = Object.freeze({
  alice: TEST_USER,
  bob: testUser('bob', 'Bob Example', 'bob'),
});

/** Claims grouped by the scope that releases them. */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'preferred_username'],
};

/**
 * oidc-provider's `findAccount`: only `TEST_USERS` exist (the dev interaction page submits the
 * typed login as the account id, which is each user's `sub`). Any other login typed there is
 * unknown, so the provider asks to sign in again.
 */
export async function findAccount(_context: unknown, sub: string) {
  const user = Object.values(TEST_USERS).find((candidate) => candidate.claims.sub === sub);
  if (!user) return undefined;
  return {
    accountId: user.claims.sub,
    async claims() {
      return { ...user.claims };
    },
  };
}
