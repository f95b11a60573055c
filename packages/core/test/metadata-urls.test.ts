import { describe, expect, it } from 'vitest';
import { authorizationServerMetadataUrl, openidConfigurationUrl } from '../src/index.js';

describe('where an issuer’s metadata is', () => {
  it.each([
    ['https://idp.example', 'https://idp.example/.well-known/openid-configuration'],
    // Auth0's issuers end in a slash: no `//.well-known`.
    ['https://tenant.auth0.example/', 'https://tenant.auth0.example/.well-known/openid-configuration'],
    ['https://idp.example/realms/x', 'https://idp.example/realms/x/.well-known/openid-configuration'],
    ['https://idp.example/tenant/v2.0/', 'https://idp.example/tenant/v2.0/.well-known/openid-configuration'],
    ['http://127.0.0.1:8080//', 'http://127.0.0.1:8080/.well-known/openid-configuration'],
  ])('OpenID Connect Discovery §4: %s → %s', (issuer, url) => {
    expect(openidConfigurationUrl(issuer)).toBe(url);
  });

  it.each([
    ['https://idp.example', 'https://idp.example/.well-known/oauth-authorization-server'],
    ['https://idp.example/', 'https://idp.example/.well-known/oauth-authorization-server'],
    ['https://idp.example/issuer1', 'https://idp.example/.well-known/oauth-authorization-server/issuer1'],
    ['https://idp.example/tenant/', 'https://idp.example/.well-known/oauth-authorization-server/tenant'],
  ])('RFC 8414 §3: %s → %s', (issuer, url) => {
    expect(authorizationServerMetadataUrl(issuer)).toBe(url);
  });
});
