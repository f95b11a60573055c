// MSAL Node's authority for the peer row: an HTTPS server on 127.0.0.1 with a certificate from
// a CA generated for the run (openssl), serving OpenID metadata and a token endpoint, and
// counting every request, so the bench can prove the warm runs made none.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';

export async function startMsalAuthority(directory) {
  const file = (name) => join(directory, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: 'ignore', cwd: directory });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=oidcflow bench CA',
    '-keyout',
    file('ca-key.pem'),
    '-out',
    file('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('key.pem'),
    '-out',
    file('req.pem'),
  );
  const extensions = file('san.cnf');
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > '${extensions}'`]);
  openssl(
    'x509',
    '-req',
    '-in',
    file('req.pem'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca-key.pem'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    extensions,
    '-out',
    file('cert.pem'),
  );

  let requests = 0;
  let base = '';
  const metadata = () => ({
    issuer: `${base}/tenant/v2.0`,
    authorization_endpoint: `${base}/tenant/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/tenant/oauth2/v2.0/token`,
    end_session_endpoint: `${base}/tenant/oauth2/v2.0/logout`,
    jwks_uri: `${base}/tenant/discovery/v2.0/keys`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  });
  const server = createServer(
    { key: readFileSync(file('key.pem')), cert: readFileSync(file('cert.pem')) },
    (request, response) => {
      requests++;
      request.resume();
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        if (request.url?.includes('/.well-known/openid-configuration')) {
          response.end(JSON.stringify(metadata()));
        } else if (request.url?.includes('/oauth2/v2.0/token')) {
          response.end(
            JSON.stringify({
              token_type: 'Bearer',
              access_token: `msal-fake-${'a'.repeat(900)}`,
              expires_in: 86_400,
              ext_expires_in: 86_400,
            }),
          );
        } else {
          response.statusCode = 404;
          response.end('{}');
        }
      });
    },
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${server.address().port}`;
  return {
    authority: `${base}/tenant/`,
    caFile: file('ca.pem'),
    metadataJson: () => JSON.stringify(metadata()),
    requests: () => requests,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
