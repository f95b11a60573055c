// The file cache at work, against the embedded test IdP. Run from the repository root after
// `pnpm build`:
//   node packages/cache-file/examples/token-cache.mjs
// The cache lives in a temporary directory here; no token is printed.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileCache, defaultCacheDirectory } from '@oidcflow/cache-file';
import { cacheKeyFor, OidcCredentialsAuth } from '@oidcflow/core';
import { startTestIdp } from '@oidcflow/test-idp';

const idp = await startTestIdp();
const directory = await mkdtemp(join(tmpdir(), 'oidcflow-example-'));
try {
  // With @oidcflow/cache-file installed, core uses it by itself; cachePath moves it.
  const options = {
    issuer: idp.issuer,
    clientId: idp.clients.ci.clientId,
    clientSecret: idp.clients.ci.clientSecret,
    cachePath: join(directory, 'oidcflow'),
  };
  await new OidcCredentialsAuth(options).getAccessToken();

  // A new instance, as a new process would be, reads the file: no request to the IdP.
  idp.requests.reset();
  const auth = new OidcCredentialsAuth(options);
  await auth.getAccessToken();
  console.log(`requests for the cached token: ${idp.requests.count()}`);

  const file = await auth.resolvedCachePath();
  const fileMode = ((await stat(file)).mode & 0o777).toString(8);
  const directoryMode = ((await stat(options.cachePath)).mode & 0o777).toString(8);
  console.log(`one file per key: ${file} (mode ${fileMode}, directory ${directoryMode})`);
  const document = JSON.parse(await readFile(file, 'utf8'));
  console.log(`format version ${document.version}, written by the ${document.entry.flow} flow`);

  // The plugin can be used directly: the same entry, and the lock every process respects.
  const cache = createFileCache({ cachePath: options.cachePath });
  const key = cacheKeyFor({ issuer: idp.issuer, clientId: options.clientId, scopes: [], family: 'client' });
  const entry = await cache.withLock(key, () => cache.get(key));
  console.log(
    `same entry through the plugin: ${entry?.tokens.tokenType} until ${new Date(entry?.tokens.expiresAt ?? 0).toISOString()}`,
  );
  console.log(`without cachePath, this machine would use ${defaultCacheDirectory()}`);
} finally {
  await rm(directory, { recursive: true, force: true });
  await idp.stop();
}
