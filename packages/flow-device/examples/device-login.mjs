// Device login against the embedded test IdP. Run from the repository root after `pnpm build`:
//   node packages/flow-device/examples/device-login.mjs
// The prompt goes to stderr; the "other device" that approves the code is the IdP's own
// pages filled in by a script, standing in for a person with a phone.
import { createMemoryCache, OidcAuth } from '@oidcflow/core';
import { createDeviceFlow } from '@oidcflow/flow-device';
import { completeDeviceVerificationWithoutBrowser, startTestIdp } from '@oidcflow/test-idp';

const idp = await startTestIdp({ deviceIntervalSeconds: 1 });
try {
  const auth = new OidcAuth({
    issuer: idp.issuer,
    clientId: idp.clients.device.clientId,
    scopes: ['openid', 'profile'],
    flow: 'device',
    plugins: [createDeviceFlow(), createMemoryCache()],
    // Pretend a browser can be shown, and let "opening" it approve the code.
    env: { BROWSER: 'example' },
    ports: {
      openUrl: async (url) => {
        await completeDeviceVerificationWithoutBrowser(url, idp.user);
        return true;
      },
    },
  });
  const tokens = await auth.getTokens();
  console.log(
    `logged in as ${tokens.idTokenClaims?.sub}; the access token expires at ${new Date(tokens.expiresAt).toISOString()}`,
  );
  idp.requests.reset();
  await auth.getAccessToken();
  console.log(`asked again: ${idp.requests.count()} requests to the IdP (served from the cache)`);
} finally {
  await idp.stop();
}
