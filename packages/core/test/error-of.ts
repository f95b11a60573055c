import { OidcflowError } from '../src/index.js';

/**
 * The `OidcflowError` that `action` throws or rejects with; any other outcome (success, another
 * error) fails the test, naming what came instead.
 */
export async function errorOf(action: () => unknown): Promise<OidcflowError> {
  const error = await (async () => action())().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!OidcflowError.isInstance(error)) throw new Error(`expected an OidcflowError, got ${String(error)}`);
  return error;
}
