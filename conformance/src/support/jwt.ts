import { createHash } from 'node:crypto';

/** The claims of a JWT, without verifying it; undefined for an opaque token. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The `aud` claim as a list (a string audience becomes one item; none, an empty list). */
export function audienceOf(claims: Record<string, unknown> | undefined): string[] {
  const aud = claims?.aud;
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((value): value is string => typeof value === 'string') : [];
}

/** A short digest to compare tokens in reports and across processes without showing them. */
export function fingerprint(token: string | undefined): string {
  return token ? createHash('sha256').update(token).digest('hex').slice(0, 12) : 'none';
}
