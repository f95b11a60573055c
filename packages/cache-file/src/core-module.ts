import type * as Core from '@oidcflow/core';

let core: typeof Core | undefined;

/**
 * @oidcflow/core, for its error class and codes, loaded when an error is to be made. Not an
 * `import` at the top: resolving `@oidcflow/core` from this package again costs a new process
 * about a millisecond on every cache hit, which raises no error. `require` of the ES module
 * (Node 20.19+) hands back the instance already loaded, synchronously, so errors are still
 * thrown where they happen.
 */
export function coreModule(): typeof Core {
  core ??= process.getBuiltinModule('node:module').createRequire(import.meta.url)(
    '@oidcflow/core',
  ) as typeof Core;
  return core;
}

/** An `OidcflowError` of @oidcflow/core. */
export function cacheError(
  code: keyof typeof Core.ErrorCode,
  message: string,
  options?: Core.OidcflowErrorOptions,
): Core.OidcflowError {
  const { ErrorCode, OidcflowError } = coreModule();
  return new OidcflowError(ErrorCode[code], message, options);
}

/** Whether `error` is an `OidcflowError` (of any loaded copy of core). */
export function isOidcflowError(error: unknown): boolean {
  return coreModule().OidcflowError.isInstance(error);
}
