// Issue 12, item 1: RFC 9728 resource metadata chooses the issuer, and so where the client
// secret goes. An attacker on that hop (or the resource server) must not be able to name its own.
// Issue 23, item 2: with `resourceMetadataUrl` alone any non-empty `resource` was accepted, so an
// attacker-chosen metadata URL still sent the secret to the authorization server it named.
import { ErrorCode, OidcCredentialsAuth, OidcflowError, silentLogger } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDirectories, temporaryDirectory } from '../support/processes.js';
import { json, metadataFor, startServer, stopServers } from '../support/servers.js';

const CLIENT_SECRET = 'client-secret-that-only-the-real-idp-may-see';

afterEach(async () => {
  await stopServers();
  await removeDirectories();
});

/** An IdP that would gladly take the client secret: records every request. */
async function attackerIdp() {
  return startServer((request, response, base) => {
    if (request.path === '/.well-known/openid-configuration') json(response, 200, metadataFor(base));
    else if (request.path.startsWith('/.well-known/oauth-protected-resource'))
      json(response, 200, { resource: resourceUrl, authorization_servers: [base] });
    else if (request.path === '/token')
      json(response, 200, { access_token: 'stolen', token_type: 'Bearer', expires_in: 300 });
    else json(response, 404, {});
  });
}
let resourceUrl = '';

async function tokenWith(server: { resourceUrl?: string; resourceMetadataUrl?: string }) {
  const auth = new OidcCredentialsAuth({
    clientId: 'cli',
    clientSecret: CLIENT_SECRET,
    server: server as { resourceUrl: string },
    cachePath: await temporaryDirectory(),
    logger: silentLogger,
    env: {},
  });
  return auth.getAccessToken().then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('hostile resource metadata (RFC 9728)', () => {
  it('a redirect to the attacker’s metadata is not followed, so the client secret never leaves', async () => {
    const attacker = await attackerIdp();
    const resource = await startServer((_request, response) => {
      response.writeHead(302, { location: `${attacker.url}/.well-known/oauth-protected-resource` });
      response.end();
    });
    resourceUrl = resource.url;
    const error = await tokenWith({ resourceUrl });
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.SERVER_SOURCE_FAILED);
    expect((error as Error).message).toMatch(/redirect/);
    expect(attacker.requests).toEqual([]);
  });

  it('a document without `resource` naming the attacker’s issuer is refused (RFC 9728 §3.3)', async () => {
    const attacker = await attackerIdp();
    const resource = await startServer((_request, response) =>
      json(response, 200, { authorization_servers: [attacker.url] }),
    );
    resourceUrl = resource.url;
    const error = await tokenWith({ resourceUrl });
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.SERVER_SOURCE_FAILED);
    expect((error as Error).message).toContain('no "resource" member');
    expect(attacker.requests).toEqual([]);
  });

  it('a document named by resourceMetadataUrl alone (as WWW-Authenticate would) must still carry `resource`', async () => {
    const attacker = await attackerIdp();
    const resource = await startServer((_request, response) =>
      json(response, 200, { authorization_servers: [attacker.url], scopes_supported: ['openid'] }),
    );
    resourceUrl = resource.url;
    const error = await tokenWith({
      resourceMetadataUrl: `${resource.url}/.well-known/oauth-protected-resource`,
    });
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.SERVER_SOURCE_FAILED);
    expect(attacker.requests).toEqual([]);
  });

  it('resourceMetadataUrl alone: a document about another resource than its well-known URL names is refused (RFC 9728 §3.1), before the secret leaves', async () => {
    const attacker = await attackerIdp();
    const resource = await startServer((request, response) =>
      request.path === '/.well-known/oauth-protected-resource/v1'
        ? json(response, 200, { resource: `${attacker.url}/v1`, authorization_servers: [attacker.url] })
        : json(response, 404, {}),
    );
    const error = await tokenWith({
      resourceMetadataUrl: `${resource.url}/.well-known/oauth-protected-resource/v1`,
    });
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.SERVER_SOURCE_FAILED);
    // Names what was expected and what to do, not only what went wrong.
    expect((error as Error).message).toContain(`not "${resource.url}/v1"`);
    expect((error as Error).message).toContain('resourceUrl');
    expect(attacker.requests).toEqual([]);
  });

  it('resourceMetadataUrl at no well-known place and no resourceUrl: refused before any request (nothing to check `resource` against)', async () => {
    const attacker = await attackerIdp();
    const resource = await startServer((_request, response) =>
      json(response, 200, { resource: attacker.url, authorization_servers: [attacker.url] }),
    );
    const error = await tokenWith({ resourceMetadataUrl: `${resource.url}/metadata.json` });
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.CONFIG_INVALID);
    expect((error as Error).message).toContain('resourceUrl');
    expect(resource.requests).toEqual([]);
    expect(attacker.requests).toEqual([]);
  });

  it('resourceMetadataUrl with resourceUrl: the document must describe the resourceUrl given, wherever the metadata lives', async () => {
    const attacker = await attackerIdp();
    const resource = await startServer((_request, response) =>
      json(response, 200, { resource: attacker.url, authorization_servers: [attacker.url] }),
    );
    const error = await tokenWith({
      resourceMetadataUrl: `${resource.url}/metadata.json`,
      resourceUrl: `${resource.url}/v1`,
    });
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.SERVER_SOURCE_FAILED);
    expect(attacker.requests).toEqual([]);
  });

  it('resourceMetadataUrl alone: the honest document at its well-known URL still works', async () => {
    const idp = await startServer((request, response, base) => {
      if (request.path === '/.well-known/openid-configuration') json(response, 200, metadataFor(base));
      else if (request.path === '/token')
        json(response, 200, { access_token: 'honest', token_type: 'Bearer', expires_in: 300 });
      else json(response, 404, {});
    });
    const resource = await startServer((request, response, base) => {
      if (request.path === '/.well-known/oauth-protected-resource/v1')
        json(response, 200, { resource: `${base}/v1`, authorization_servers: [idp.url] });
      else if (request.path === '/.well-known/oauth-protected-resource')
        json(response, 200, { resource: `${base}/`, authorization_servers: [idp.url] });
      else json(response, 404, {});
    });
    for (const path of [
      '/.well-known/oauth-protected-resource/v1',
      '/.well-known/oauth-protected-resource',
    ]) {
      const cachePath = await temporaryDirectory();
      const token = await new OidcCredentialsAuth({
        clientId: 'cli',
        clientSecret: CLIENT_SECRET,
        server: { resourceMetadataUrl: `${resource.url}${path}` },
        cachePath,
        logger: silentLogger,
        env: {},
      }).getAccessToken();
      expect(token, path).toBe('honest');
    }
  });

  it('resource metadata over clear-text http off loopback is refused before any request', async () => {
    const error = await tokenWith({ resourceUrl: 'http://resource.invalid/api' });
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.CONFIG_INSECURE_URL);
  });
});
