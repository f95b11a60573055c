// The cache entry every new-process benchmark answers from: a day-long fake access token (about
// the size of a real JWT) and an ID token, with the IdP's metadata, for an issuer that cannot
// resolve — a request would fail the run, so every timed answer is a real cache hit.

/** A usable entry for `issuer`, saved at `now`. */
export function warmEntry(issuer, now = Date.now()) {
  return {
    tokens: {
      accessToken: `fake-access-${'a'.repeat(900)}`,
      tokenType: 'Bearer',
      expiresAt: now + 24 * 3_600_000,
      refreshToken: 'fake-refresh',
      idToken: `fake.id.${'b'.repeat(600)}`,
      scope: 'openid',
    },
    flow: 'auth_code',
    metadata: {
      document: { issuer, token_endpoint: `${issuer}/token` },
      fetchedAt: now,
    },
    savedAt: now,
  };
}
