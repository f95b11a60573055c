/**
 * plugin-modules.ts inside the single executable (scripts/build-binary.mjs puts this module in
 * its place): a single executable's `import()` reaches only Node's built-ins, so the first-party
 * plugins core looks for are bundled in and handed out by name. Anything else is "not
 * installed", in the words Node uses, which core reads as such.
 */
const BUNDLED: Readonly<Record<string, () => Promise<unknown>>> = {
  '@oidcflow/cache-keyring': () => import('@oidcflow/cache-keyring'),
  '@oidcflow/cache-file': () => import('@oidcflow/cache-file'),
  '@oidcflow/flow-authcode': () => import('@oidcflow/flow-authcode'),
  '@oidcflow/flow-device': () => import('@oidcflow/flow-device'),
  '@oidcflow/flow-credentials': () => import('@oidcflow/flow-credentials'),
};

export const loadPluginModule = (specifier: string): Promise<unknown> => {
  const load = BUNDLED[specifier];
  if (load) return load();
  const error = new Error(`Cannot find package '${specifier}': the oidcflow executable does not contain it`);
  return Promise.reject(Object.assign(error, { code: 'ERR_MODULE_NOT_FOUND' }));
};
