import { createRemoteJWKSet, decodeJwt, errors, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CiIdentityIssuer, startCiIdentityIssuer } from '../src/index.js';

let issuer: CiIdentityIssuer;
let keys: ReturnType<typeof createRemoteJWKSet>;

beforeAll(async () => {
  issuer = await startCiIdentityIssuer({ gitHubJob: { repository: 'acme/tool' } });
  const discovery = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as {
    issuer: string;
    jwks_uri: string;
  };
  expect(discovery.issuer).toBe(issuer.issuer);
  keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
});
afterAll(() => issuer.stop());

const verify = (token: string, audience: string) =>
  jwtVerify(token, keys, { issuer: issuer.issuer, audience });

describe('startCiIdentityIssuer', () => {
  it('listens on 127.0.0.1 and serves its public keys only', async () => {
    expect(issuer.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const served = (await (await fetch(issuer.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    expect(served).toEqual(issuer.jwks);
    expect(served.keys[0]).not.toHaveProperty('d');
  });

  it('signs GitHub-, GitLab-, Kubernetes- and SPIFFE-shaped tokens its JWKS verifies', async () => {
    const github = await verify(await issuer.signGitHubToken({ audience: 'api://idp' }), 'api://idp');
    expect(github.payload).toMatchObject({
      sub: 'repo:oidcflow-ci/demo:ref:refs/heads/main',
      repository: 'oidcflow-ci/demo',
      ref: 'refs/heads/main',
      job_workflow_ref: 'oidcflow-ci/demo/.github/workflows/ci.yml@refs/heads/main',
    });
    const gitlab = await verify(await issuer.signGitLabToken({ audience: 'https://idp' }), 'https://idp');
    expect(gitlab.payload.sub).toBe('project_path:oidcflow-ci/demo:ref_type:branch:ref:main');
    const kubernetes = await verify(
      await issuer.signKubernetesToken({
        audience: 'idp',
        account: { namespace: 'build', serviceAccount: 'bot' },
      }),
      'idp',
    );
    expect(kubernetes.payload.sub).toBe('system:serviceaccount:build:bot');
    expect(kubernetes.payload['kubernetes.io']).toMatchObject({
      namespace: 'build',
      serviceaccount: { name: 'bot' },
    });
    const spiffe = await verify(await issuer.signSpiffeToken({ audience: 'idp' }), 'idp');
    expect(spiffe.payload.sub).toMatch(/^spiffe:\/\//);
  });

  it('takes the lifetime, the audience list, claim overrides, and issues expired tokens', async () => {
    const short = decodeJwt(await issuer.sign({ audience: ['a', 'b'], lifetimeSeconds: 60 }));
    expect(short.aud).toEqual(['a', 'b']);
    expect((short.exp ?? 0) - (short.iat ?? 0)).toBe(60);
    const overridden = decodeJwt(
      await issuer.signGitHubToken({
        audience: 'a',
        claims: { sub: 'repo:evil/x:ref:refs/heads/main', jti: undefined },
      }),
    );
    expect(overridden.sub).toBe('repo:evil/x:ref:refs/heads/main');
    expect(overridden).not.toHaveProperty('jti');
    const expired = await issuer.signGitHubToken({ audience: 'a', expired: true });
    expect(decodeJwt(expired).exp ?? Infinity).toBeLessThan(Date.now() / 1000);
    await expect(verify(expired, 'a')).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('answers the GitHub token request with the bearer request token and the audience asked', async () => {
    const { requestUrl, requestToken } = issuer.gitHubActions;
    expect(new URL(requestUrl).searchParams.get('api-version')).toBe('2.0');
    const answer = await fetch(`${requestUrl}&audience=${encodeURIComponent('https://idp.example.test')}`, {
      headers: { authorization: `Bearer ${requestToken}` },
    });
    expect(answer.status).toBe(200);
    const { value } = (await answer.json()) as { value: string };
    const { payload } = await verify(value, 'https://idp.example.test');
    expect(payload).toMatchObject({ sub: 'repo:acme/tool:ref:refs/heads/main', repository: 'acme/tool' });

    const defaulted = (await (
      await fetch(requestUrl, { headers: { authorization: `Bearer ${requestToken}` } })
    ).json()) as { value: string };
    expect(decodeJwt(defaulted.value).aud).toBe('https://github.com/acme');

    issuer.setGitHubJob({ repository: 'acme/tool', environment: 'prod' });
    const prod = (await (
      await fetch(`${requestUrl}&audience=x`, { headers: { authorization: `Bearer ${requestToken}` } })
    ).json()) as { value: string };
    expect(decodeJwt(prod.value).sub).toBe('repo:acme/tool:environment:prod');

    const refused = await fetch(`${requestUrl}&audience=x`, { headers: { authorization: 'Bearer wrong' } });
    expect(refused.status).toBe(401);
    expect(JSON.stringify(await refused.json())).not.toMatch(/eyJ/);
    expect(issuer.gitHubRequests.map((request) => request.authorized)).toEqual([true, true, true, false]);
    expect(issuer.gitHubRequests[0]?.audience).toBe('https://idp.example.test');
  });
});
