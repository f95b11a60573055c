// The client credentials grant against the embedded test IdP, with each way a client can
// prove who it is. Run from the repository root after `pnpm build`:
//   node packages/flow-credentials/examples/client-credentials.mjs
// Tokens are cached in a temporary directory; no token or secret is printed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OidcCredentialsAuth, SPECIFICATION_VERSION } from '@oidcflow/core';
import { startTestIdp } from '@oidcflow/test-idp';

const idp = await startTestIdp();
const directory = await mkdtemp(join(tmpdir(), 'oidcflow-example-'));
try {
  const common = { issuer: idp.issuer, cachePath: join(directory, 'cache') };

  // 1. A client secret, from the option or OIDCFLOW_CLIENT_SECRET. The IdP advertises
  //    client_secret_basic, so the secret goes in the Authorization header.
  const basic = new OidcCredentialsAuth({
    ...common,
    clientId: idp.clients.ci.clientId,
    env: { OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret },
  });
  const tokens = await basic.getTokens();
  console.log(`basic: a ${tokens.tokenType} token until ${new Date(tokens.expiresAt).toISOString()}`);
  await basic.getAccessToken(); // from the cache: no second grant
  console.log(`       grants so far: ${idp.requests.tokenRequests('client_credentials')}`);
  console.log(`       cached in ${await basic.resolvedCachePath()}`);

  // 2. private_key_jwt: a signed assertion instead of a secret, with the key in a file.
  const keyPath = join(directory, 'client-key.pem');
  await writeFile(keyPath, idp.clients.ciJwt.signingKey.privateKeyPem, { mode: 0o600 });
  const jwt = new OidcCredentialsAuth({
    ...common,
    clientId: idp.clients.ciJwt.clientId,
    privateKeyPath: keyPath,
  });
  await jwt.getAccessToken();
  const assertion = idp.requests.list({ path: '/token', clientId: idp.clients.ciJwt.clientId }).at(-1);
  console.log(`jwt:   client_assertion_type=${assertion?.parameters.client_assertion_type}`);

  // 3. An audience sent as an RFC 8707 `resource`, as an IdP plugin says: it becomes the
  //    access token's `aud`.
  const resourceIndicators = {
    kind: 'idp',
    specificationVersion: SPECIFICATION_VERSION,
    name: 'resource-indicators',
    matches: ({ issuer }) => issuer === idp.issuer,
    audienceParameter: 'resource',
  };
  const withAudience = new OidcCredentialsAuth({
    ...common,
    clientId: idp.clients.ci.clientId,
    clientSecret: idp.clients.ci.clientSecret,
    audience: idp.resources[0],
    plugins: [resourceIndicators],
  });
  const accessToken = await withAudience.getAccessToken();
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8'));
  console.log(`aud:   ${claims.aud}`);
} finally {
  await rm(directory, { recursive: true, force: true });
  await idp.stop();
}
