/**
 * The error and its causes, outermost first: what an IdP answered is often wrapped by
 * openid-client, undici or a flow. Bounded at `limit` links, because cause chains can be cyclic.
 */
export function causeChain<Link extends object>(error: unknown, limit = 6): Link[] {
  const chain: Link[] = [];
  let current = error;
  while (current && typeof current === 'object' && chain.length < limit) {
    chain.push(current as Link);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}
