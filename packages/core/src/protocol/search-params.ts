/** Request parameters as openid-client takes them (repeated values become repeated parameters). */
export function toSearchParams(parameters: Record<string, string | string[]>): URLSearchParams {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, item);
  }
  return search;
}
