// One of the N processes of the cross-process race: builds an auth object from a JSON
// description (argv[2]), asks for a token, and prints its fingerprint. Never prints a token.
import { readFile } from 'node:fs/promises';
import {
  type CacheFactoryOptions,
  type CachePlugin,
  type FlowPlugin,
  type IdpPlugin,
  OidcAuth,
  type OidcAuthOptions,
  OidcCredentialsAuth,
  OidcflowError,
  type Plugin,
} from '@oidcflow/core';
import { fingerprint } from '../support/jwt.js';
import type { PluginModuleRef, Subject } from './subject.js';
import { forceMatch } from './subject.js';
import { loadFactory } from './subjects.js';

export interface RaceChildInput {
  family: 'user' | 'client';
  options: Pick<
    OidcAuthOptions,
    'issuer' | 'clientId' | 'scopes' | 'audience' | 'clientSecret' | 'caCertPath' | 'flow' | 'env'
  >;
  cachePath: string;
  modules: Subject['modules'] & { cache: PluginModuleRef };
}

async function main(): Promise<void> {
  const input = JSON.parse(await readFile(process.argv[2] as string, 'utf8')) as RaceChildInput;
  const cacheFactory = await loadFactory(input.modules.cache);
  const plugins: Plugin[] = [
    cacheFactory({ cachePath: input.cachePath } satisfies CacheFactoryOptions) as CachePlugin,
  ];
  if (input.modules.flow) plugins.push((await loadFactory(input.modules.flow))() as FlowPlugin);
  if (input.modules.idp) plugins.push(forceMatch((await loadFactory(input.modules.idp))() as IdpPlugin));
  const options: OidcAuthOptions = {
    ...input.options,
    plugins,
    callbackPort: 0,
    callbackTimeoutSeconds: 5,
    // The race is about the refresh: a child that would log in reports it instead.
    ports: {
      openUrl: async () => {
        process.stdout.write(`${JSON.stringify({ error: 'a login started in a child process' })}\n`);
        process.exit(3);
      },
      output: { write: () => true },
    },
    logger: { debug: () => {}, warn: () => {} },
  };
  const auth = input.family === 'client' ? new OidcCredentialsAuth(options) : new OidcAuth(options);
  try {
    const token = await auth.getAccessToken();
    process.stdout.write(`${JSON.stringify({ fingerprint: fingerprint(token) })}\n`);
  } catch (error) {
    const code = OidcflowError.isInstance(error) ? error.code : 'ERROR';
    process.stdout.write(
      `${JSON.stringify({ error: `${code}: ${(error as Error).message.split('\n')[0]}` })}\n`,
    );
    process.exitCode = 2;
  }
}

await main();
