/** Objects `frozenCopy` made: frozen all the way down, so they can be shared as they are. */
const frozenHere = new WeakSet<object>();

/**
 * A deep copy of a cache entry (plain JSON data: objects, arrays, strings, numbers, booleans),
 * frozen all the way down. The memory cache stores one at `set` and hands that same object to
 * every `get`: nobody can change what the next caller gets, and a hit copies nothing. Parts
 * that are already such copies (the metadata the runtime resolved, a previous entry's nested
 * values) are shared, not copied again. Written out rather than `structuredClone`, which
 * serialises and deserialises the whole entry.
 */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null || frozenHere.has(value)) return value;
  let copy: object;
  if (Array.isArray(value)) copy = value.map(frozenCopy);
  else {
    const members: Record<string, unknown> = {};
    for (const name of Object.keys(value))
      members[name] = frozenCopy((value as Record<string, unknown>)[name]);
    copy = members;
  }
  Object.freeze(copy);
  frozenHere.add(copy);
  return copy as T;
}
