import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { TokenSet } from '../spec/tokens.js';

/**
 * `dpop` means bound tokens or an error, never a silent fallback: a token request sent with a
 * DPoP proof whose answer is not `token_type: DPoP` (the IdP does not bind tokens for this
 * client, or a flow bypassed core's protocol port) fails with `DPOP_NOT_BOUND`, at login and at
 * refresh alike, before the tokens are cached or used. A bearer token would be refused by an API
 * that requires DPoP, and works for anyone who holds it.
 */
export function requireDpopBound(
  tokens: TokenSet,
  context: { issuer: string; clientId: string; step: string },
): void {
  if (tokens.tokenType.toLowerCase() === 'dpop') return;
  // The type as a word of ours: the IdP's own text is not repeated.
  const type =
    tokens.tokenType.toLowerCase() === 'bearer' ? 'a Bearer token' : 'a token that is not DPoP-bound';
  throw new OidcflowError(
    ErrorCode.DPOP_NOT_BOUND,
    `dpop is on, but ${context.issuer} answered the ${context.step} with ${type}, so it was not used or cached. ` +
      `Enable DPoP (RFC 9449) for client "${context.clientId}" at the IdP, or turn dpop off ` +
      '(the dpop option, --dpop, OIDCFLOW_DPOP) to use bearer tokens.',
  );
}
