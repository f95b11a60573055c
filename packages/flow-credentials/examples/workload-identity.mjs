// Workload identity federation against the embedded test IdP: a job shaped like GitHub
// Actions gets a token with no secret anywhere, three ways. Run from the repository root
// after `pnpm build`:
//   node packages/flow-credentials/examples/workload-identity.mjs
// The platform token and the access tokens are never printed; only their claims are.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OidcCredentialsAuth } from '@oidcflow/core';
import { startCiIdentityIssuer, startTestIdp } from '@oidcflow/test-idp';

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

// The platform (here, a local issuer with GitHub's token request endpoint) and an IdP that trusts it.
const ci = await startCiIdentityIssuer({ gitHubJob: { repository: 'acme/tool' } });
const idp = await startTestIdp({ workloadIssuer: ci });
const directory = await mkdtemp(join(tmpdir(), 'oidcflow-example-'));
try {
  // What GitHub sets in a job with `permissions: id-token: write`.
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: ci.gitHubActions.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: ci.gitHubActions.requestToken,
  };
  const common = {
    issuer: idp.issuer,
    cache: 'file',
    cachePath: join(directory, 'cache'),
    env,
    audience: idp.resources[0],
  };

  // 1. auto: the source is found by its signs (github), the way by the IdP's metadata.
  const auto = new OidcCredentialsAuth({
    ...common,
    clientId: idp.clients.ciWorkload.clientId,
    identitySource: 'auto',
  });
  const report = await auto.explain();
  console.log(`auto:     source ${report.workloadIdentity.source}, spent as ${report.workloadIdentity.use}`);
  console.log(
    `          sub of the token issued for it: ${claimsOf(await auto.getAccessToken()).subject_sub}`,
  );

  // 2. RFC 8693 token exchange, asked for by name.
  const exchange = new OidcCredentialsAuth({
    ...common,
    cachePath: join(directory, 'cache-exchange'),
    clientId: idp.clients.ciWorkload.clientId,
    identitySource: 'github',
    identityUse: 'token_exchange',
  });
  // Only a claim is printed, never the token.
  const exchangedClaims = claimsOf(await exchange.getAccessToken());
  console.log(`exchange: aud ${exchangedClaims.aud}`);

  // 3. The platform token as client_assertion of the client credentials grant. oidc-provider
  //    wants iss = sub = the client id in an assertion, so this one comes from a variable.
  const clientId = idp.clients.ciFederated.clientId;
  const assertion = await ci.sign({ audience: idp.issuer, claims: { iss: clientId, sub: clientId } });
  const asClient = new OidcCredentialsAuth({
    issuer: idp.issuer,
    cache: 'file',
    cachePath: join(directory, 'cache-client'),
    clientId,
    identitySource: 'env:PLATFORM_TOKEN',
    identityUse: 'client_assertion',
    env: { PLATFORM_TOKEN: assertion },
  });
  await asClient.getAccessToken();
  const request = idp.requests.list({ path: '/token', clientId }).at(-1);
  console.log(`client:   client_assertion_type=${request?.parameters.client_assertion_type}`);
  console.log(`GitHub token requests: ${ci.gitHubRequests.length}, secrets used: none`);
} finally {
  await rm(directory, { recursive: true, force: true });
  await idp.stop();
  await ci.stop();
}
