import type { IncomingMessage } from 'node:http';
import type { ProviderContext } from 'oidc-provider';
import type { RecordingRequestLog, RequestLogEntry } from './request-log.js';

const BODY_LIMIT = 64 * 1024;

/** Parameters whose values are credentials: the log keeps that they were sent, not what. */
const SECRET_PARAMETERS = new Set([
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'token',
  'client_secret',
  'client_assertion',
  'device_code',
  'password',
  'xsrf',
]);

/**
 * Reads a form body and leaves the request readable again for oidc-provider's own parser,
 * which reads `req.iterator()` while `req.readable` is true. The log needs the grant type and
 * client before the provider answers (scripted responses are chosen by them).
 */
async function peekFormBody(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) break;
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  Object.defineProperty(request, 'readable', { value: true, configurable: true });
  Object.defineProperty(request, 'iterator', {
    value: async function* replay() {
      yield body;
    },
    configurable: true,
  });
  return new URLSearchParams(body.toString('utf8'));
}

function clientFromBasicAuth(header: string | undefined): string | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decodeURIComponent(decoded.slice(0, colon)) : undefined;
}

function clientFromAssertion(assertion: string | null): string | undefined {
  const payload = assertion?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

/** Logs one request (method, path, grant type, client) and returns its entry. */
export async function recordRequest(
  log: RecordingRequestLog,
  context: ProviderContext,
): Promise<RequestLogEntry> {
  let form: URLSearchParams | undefined;
  if (context.method === 'POST' && context.is('application/x-www-form-urlencoded')) {
    form = await peekFormBody(context.req);
  } else if (context.method === 'GET') {
    form = new URLSearchParams(context.querystring);
  }
  const entry: RequestLogEntry = {
    method: context.method,
    path: context.path,
    time: Date.now(),
    parameters: {},
    repeated: {},
  };
  for (const [name, value] of form ?? []) {
    const shown = SECRET_PARAMETERS.has(name) ? '[redacted]' : value;
    entry.parameters[name] = shown;
    const values = entry.repeated[name] ?? [];
    values.push(shown);
    entry.repeated[name] = values;
  }
  const grantType = form?.get('grant_type');
  if (grantType) entry.grantType = grantType;
  const clientId =
    form?.get('client_id') ??
    clientFromBasicAuth(context.get('authorization')) ??
    clientFromAssertion(form?.get('client_assertion') ?? null);
  if (clientId) entry.clientId = clientId;
  return log.record(entry);
}
