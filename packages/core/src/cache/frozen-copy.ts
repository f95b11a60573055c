/**
 * A deep copy of a cache entry (plain JSON data: objects, arrays, strings, numbers, booleans),
 * frozen all the way down. The memory cache stores one at `set` and hands that same object to
 * every `get`: nobody can change what the next caller gets, and a hit copies nothing. Written
 * out rather than `structuredClone`, which serialises and deserialises the whole entry.
 */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(value)) copy[name] = frozenCopy((value as Record<string, unknown>)[name]);
  return Object.freeze(copy) as T;
}
