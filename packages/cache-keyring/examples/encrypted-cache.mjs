// The keyring cache at work, against the embedded test IdP. Run from the repository root after
// `pnpm build`, in a desktop session (or any D-Bus session with a Secret Service):
//   node packages/cache-keyring/examples/encrypted-cache.mjs
// Without a keyring it shows the fallback instead. The cache lives in a temporary directory
// here; no token is printed.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectKeyringCache } from '@oidcflow/cache-keyring';
import { OidcCredentialsAuth } from '@oidcflow/core';
import { startTestIdp } from '@oidcflow/test-idp';

const idp = await startTestIdp();
const directory = await mkdtemp(join(tmpdir(), 'oidcflow-example-'));
try {
  const cachePath = join(directory, 'oidcflow');
  // Installed beside core, `cache: 'keyring'` (or 'auto') picks it by itself; here the plugin
  // is made explicitly, allowing the clear-text fallback where no keyring answers.
  const cache = await selectKeyringCache({ cachePath, cacheFallback: 'file', warn: (m) => console.error(m) });
  console.log(`store: ${cache.name} (${cache.selectionReason})`);
  const options = {
    issuer: idp.issuer,
    clientId: idp.clients.ci.clientId,
    clientSecret: idp.clients.ci.clientSecret,
    plugins: [cache],
  };
  const token = await new OidcCredentialsAuth(options).getAccessToken();

  // A new instance, as a new process would be, reads the entry back: no request to the IdP.
  idp.requests.reset();
  await new OidcCredentialsAuth(options).getAccessToken();
  console.log(`requests for the cached token: ${idp.requests.count()}`);

  for (const name of (await readdir(cachePath)).filter((file) => !file.endsWith('.lock'))) {
    const text = await readFile(join(cachePath, name), 'utf8');
    console.log(`${name}: ${text.includes(token) ? 'the token is in clear' : 'no token in clear'}`);
  }
} finally {
  await rm(directory, { recursive: true, force: true });
  await idp.stop();
}
