/** The one user of the test IdP. The password is obviously fake: dev interactions never check it. */
export interface TestUser {
  login: string;
  password: string;
  claims: { sub: string; email: string; email_verified: boolean; name: string };
}

export const TEST_USER: TestUser = Object.freeze({
  login: 'alice',
  password: 'not-a-real-password',
  claims: Object.freeze({
    sub: 'alice',
    email: 'alice@example.test',
    email_verified: true,
    name: 'Alice Example',
  }),
});

/** Claims grouped by the scope that releases them. */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name'],
};

/**
 * oidc-provider's `findAccount`: only `alice` exists. Any other login typed on the dev
 * interaction page is unknown, so the provider asks to sign in again.
 */
export async function findAccount(_context: unknown, sub: string) {
  if (sub !== TEST_USER.claims.sub) return undefined;
  return {
    accountId: sub,
    async claims() {
      return { ...TEST_USER.claims };
    },
  };
}
