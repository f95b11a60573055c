/**
 * The `error` parameter of a `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9449 §7.1), e.g.
 * `invalid_token` or `use_dpop_nonce`; undefined when the header carries none. Only the error
 * word is read: no other parameter of the header is trusted.
 */
export function challengeError(header: string | null): string | undefined {
  if (!header) return undefined;
  const match = /(?:^|[\s,])error\s*=\s*(?:"([^"]*)"|([^\s,]+))/i.exec(header);
  const word = match?.[1] ?? match?.[2];
  return word ? word.trim() : undefined;
}
