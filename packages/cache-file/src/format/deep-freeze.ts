/**
 * Freezes a parsed entry and everything in it, so that one object can be handed to every
 * caller: none can change what the next caller gets (a returned entry is not a copy).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const name of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[name]);
  }
  return value;
}
