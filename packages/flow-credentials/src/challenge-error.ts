/**
 * openid-client reports a 401 token response that carries a `WWW-Authenticate` challenge
 * (oidc-provider's answer to a wrong client secret) as a `WWWAuthenticateChallengeError`,
 * not a `ResponseBodyError`; core's `toOidcflowError` (0.1) only reads the latter and would
 * call a wrong secret "a problem with the IdP". This restates the challenge's `error` and
 * `error_description` in the shape core understands, keeping the original as the cause.
 */
interface ChallengeErrorShape {
  name?: unknown;
  status?: unknown;
  cause?: unknown;
}

interface ChallengeShape {
  parameters?: Record<string, unknown>;
}

export function asResponseBodyError(error: unknown): unknown {
  const shape = error as ChallengeErrorShape | null;
  if (shape?.name !== 'WWWAuthenticateChallengeError' || !Array.isArray(shape.cause)) return error;
  const challenge = (shape.cause as ChallengeShape[]).find(
    (candidate) => typeof candidate?.parameters?.error === 'string',
  );
  const parameters = challenge?.parameters;
  if (!parameters) return error;
  const description = parameters.error_description;
  return {
    name: 'ResponseBodyError',
    message: (error as Error).message,
    error: parameters.error,
    ...(typeof description === 'string' ? { error_description: description } : {}),
    ...(typeof shape.status === 'number' ? { status: shape.status } : {}),
    cause: error,
  };
}
