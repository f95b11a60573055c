import { parseTokenUrl } from '../config/url-policy.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';

/**
 * Which origins `auth.fetch` may send the token to: those given in `allowedOrigins`, else the
 * first origin it was used with (pinned for the life of the instance), so a URL built from
 * untrusted input or a redirect to another host never carries the token.
 */
export class OriginPolicy {
  private readonly origins = new Set<string>();
  private readonly pinOnFirstUse: boolean;

  constructor(
    allowedOrigins: readonly string[] | undefined,
    private readonly allowInsecureHttp: boolean,
  ) {
    for (const value of allowedOrigins ?? []) this.origins.add(originOf(value, allowInsecureHttp));
    this.pinOnFirstUse = allowedOrigins === undefined;
  }

  /** Whether the token may go to `url` (no pinning). */
  allows(url: URL): boolean {
    return this.origins.has(url.origin);
  }

  /** Throws unless the token may go to `url`; pins its origin when this is the first use. */
  admit(url: URL): void {
    if (this.pinOnFirstUse && this.origins.size === 0) {
      this.origins.add(originOf(url.href, this.allowInsecureHttp, 'auth.fetch URL'));
      return;
    }
    if (this.allows(url)) return;
    const allowed = [...this.origins].join(', ');
    throw new OidcflowError(
      ErrorCode.FETCH_ORIGIN_NOT_ALLOWED,
      `auth.fetch did not send the request to ${url.origin}: the token may only go to ${allowed}. ` +
        'List every API origin in the allowedOrigins option if this one is meant to receive it.',
    );
  }
}

/** The origin of `value`, refused where the token must not go (`what` names it in the error). */
function originOf(value: string, allowInsecureHttp: boolean, what = 'allowedOrigins entry'): string {
  const subject = {
    what,
    example: 'an origin such as https://api.example.com',
    receiver: 'a test server',
    allowFragment: true,
  };
  return parseTokenUrl(value, subject, allowInsecureHttp).origin;
}
