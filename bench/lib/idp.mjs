// The embedded test IdP, oidcflow's packages, and the raw openid-client baseline, as the
// benchmarks that talk to an IdP use them.
import { importDependencyOf, importPackage } from './workspace.mjs';

/** Starts the test IdP with its warnings (development adapter, runtime) kept off the table. */
export async function startIdp() {
  const { startTestIdp, completeAuthorizationWithoutBrowser } = await importPackage('test-idp');
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    const idp = await startTestIdp();
    return { idp, completeAuthorizationWithoutBrowser };
  } finally {
    console.warn = warn;
  }
}

export async function loadOidcflow() {
  const [core, cacheFile] = await Promise.all([importPackage('core'), importPackage('cache-file')]);
  return { core, cacheFile };
}

/** openid-client as core uses it (the same copy), for the "by hand" baselines. */
export function loadOpenIdClient() {
  return importDependencyOf('core', 'openid-client', 'build/index.js');
}

/** What a script using openid-client directly does: discovery, then a Configuration to reuse. */
export async function rawConfiguration(client, idp, clientId, clientSecret) {
  return client.discovery(
    new URL(idp.issuer),
    clientId,
    clientSecret,
    clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
    { execute: [client.allowInsecureRequests] },
  );
}

/**
 * Logs in once with the real @oidcflow/flow-authcode (loaded by core), the "browser" being
 * the test IdP's pages filled with fetch. Returns the tokens; the file cache holds them.
 */
export async function browserlessLogin(core, idp, completeAuthorizationWithoutBrowser, options) {
  const auth = new core.OidcAuth({
    ...options,
    flow: 'auth_code',
    callbackPort: 0,
    logger: core.silentLogger,
    env: {},
    ports: {
      openUrl: async (url) => {
        void completeAuthorizationWithoutBrowser(url, idp.user).then((callback) => fetch(callback));
        return true;
      },
      output: { write: () => true },
    },
  });
  return auth.getTokens();
}
