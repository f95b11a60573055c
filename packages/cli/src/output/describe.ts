import { type TokenSet, terminalText } from '@oidcflow/core';

function decodeJwtPayload(jwt: string): Record<string, unknown> | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The ID token's claims: as core validated them at login, else read (for display only) from the token. */
export function idTokenClaims(tokens: TokenSet): Record<string, unknown> | undefined {
  return tokens.idTokenClaims ?? (tokens.idToken ? decodeJwtPayload(tokens.idToken) : undefined);
}

/**
 * Who the tokens belong to, for humans: `preferred_username`, else `email`, else `sub` of the
 * ID token; a client credentials token (no ID token) belongs to the client. The claim comes
 * from the IdP, so control and bidi characters are spelled out (`terminalText`).
 */
export function describeSubject(tokens: TokenSet, clientId: string): string {
  const claims = idTokenClaims(tokens);
  for (const claim of ['preferred_username', 'email', 'sub']) {
    const value = claims?.[claim];
    if (typeof value === 'string' && value !== '') return terminalText(value);
  }
  return `client ${terminalText(clientId)}`;
}

/** `in 59 min`, `in 2 h 5 min`, `12 s ago`. */
export function relativeTime(target: number, now: number): string {
  const seconds = Math.round((target - now) / 1000);
  const magnitude = Math.abs(seconds);
  let text: string;
  if (magnitude < 90) text = `${magnitude} s`;
  else if (magnitude < 90 * 60) text = `${Math.round(magnitude / 60)} min`;
  else {
    const hours = Math.floor(magnitude / 3600);
    const minutes = Math.round((magnitude % 3600) / 60);
    text = minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

/** `2025-11-25T18:03:00Z (in 59 min)` or `… (expired 3 min ago)`. */
export function describeExpiry(expiresAt: number, now: number): string {
  const when = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return expiresAt > now
    ? `${when} (${relativeTime(expiresAt, now)})`
    : `${when} (expired ${relativeTime(expiresAt, now)})`;
}
