/**
 * The value kept on the process under `key`, made by `make` at the first call: every copy of
 * this package loaded in one process (two installed versions, or the keyring cache's build,
 * which carries one) gets the same value, where a module-level value would be one per copy.
 */
export function processWide<T>(key: symbol, make: () => T): T {
  const slots = globalThis as Record<symbol, unknown>;
  if (!(key in slots)) slots[key] = make();
  return slots[key] as T;
}
