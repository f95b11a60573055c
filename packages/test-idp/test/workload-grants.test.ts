import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CiIdentityIssuer, startCiIdentityIssuer, startTestIdp, type TestIdp } from '../src/index.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const API = 'https://api.example.test';

let ci: CiIdentityIssuer;
let idp: TestIdp;

beforeAll(async () => {
  ci = await startCiIdentityIssuer();
  idp = await startTestIdp({ workloadIssuer: ci });
});
afterAll(async () => {
  await idp.stop();
  await ci.stop();
});

async function token(
  body: Record<string, string>,
): Promise<{ status: number; json: Record<string, string> }> {
  const response = await fetch(`${idp.issuer}/token`, { method: 'POST', body: new URLSearchParams(body) });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

describe('startTestIdp({ workloadIssuer })', () => {
  it('advertises token exchange and the JWT bearer grant', async () => {
    const metadata = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as {
      grant_types_supported: string[];
    };
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining([TOKEN_EXCHANGE, JWT_BEARER]));
  });

  it('exchanges a GitHub-shaped subject token for a JWT access token of the resource asked', async () => {
    const subject = await ci.signGitHubToken({ audience: idp.issuer });
    const { status, json } = await token({
      grant_type: TOKEN_EXCHANGE,
      client_id: idp.clients.ciWorkload.clientId,
      subject_token: subject,
      subject_token_type: JWT_TYPE,
      audience: API,
    });
    expect(status).toBe(200);
    expect(json.issued_token_type).toBe('urn:ietf:params:oauth:token-type:access_token');
    expect(decodeJwt(json.access_token ?? '')).toMatchObject({
      iss: idp.issuer,
      aud: API,
      subject_iss: ci.issuer,
      subject_sub: 'repo:oidcflow-ci/demo:ref:refs/heads/main',
    });
  });

  it('takes a Kubernetes-shaped assertion in the JWT bearer grant', async () => {
    const assertion = await ci.signKubernetesToken({ audience: idp.issuer });
    const { status, json } = await token({
      grant_type: JWT_BEARER,
      client_id: idp.clients.ciWorkload.clientId,
      assertion,
      resource: API,
    });
    expect(status).toBe(200);
    expect(decodeJwt(json.access_token ?? '').subject_sub).toBe('system:serviceaccount:ci:oidcflow-runner');
  });

  it('refuses expired, wrongly addressed and foreign tokens with invalid_grant and the reason', async () => {
    const other = await startCiIdentityIssuer();
    try {
      const cases = [
        await ci.signGitHubToken({ audience: idp.issuer, expired: true }),
        await ci.signGitHubToken({ audience: 'https://elsewhere.example.test' }),
        await other.signGitHubToken({ audience: idp.issuer }),
      ];
      const answers = await Promise.all(
        cases.map((assertion) =>
          token({ grant_type: JWT_BEARER, client_id: idp.clients.ciWorkload.clientId, assertion }),
        ),
      );
      expect(answers.map((answer) => [answer.status, answer.json.error])).toEqual([
        [400, 'invalid_grant'],
        [400, 'invalid_grant'],
        [400, 'invalid_grant'],
      ]);
      expect(answers[0]?.json.error_description).toMatch(/exp/);
      expect(answers[1]?.json.error_description).toMatch(/aud/);
    } finally {
      await other.stop();
    }
  });

  it('authenticates ciFederated with an assertion signed by the workload issuer', async () => {
    const clientId = idp.clients.ciFederated.clientId;
    const { status } = await token({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await ci.sign({ audience: idp.issuer, claims: { iss: clientId, sub: clientId } }),
      resource: API,
    });
    expect(status).toBe(200);
  });
});

describe('startTestIdp({ workloadIssuer: { subjects } })', () => {
  it('takes the subjects it names and refuses any other subject of the same issuer', async () => {
    const trusted = 'system:serviceaccount:ci:oidcflow-runner';
    const bound = await startTestIdp({ workloadIssuer: { ...ci, subjects: [trusted] } });
    try {
      const exchange = async (subjectToken: string) => {
        const response = await fetch(`${bound.issuer}/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: TOKEN_EXCHANGE,
            client_id: bound.clients.ciWorkload.clientId,
            subject_token: subjectToken,
            subject_token_type: JWT_TYPE,
            audience: API,
          }),
        });
        return { status: response.status, json: (await response.json()) as Record<string, string> };
      };
      const accepted = await exchange(await ci.signKubernetesToken({ audience: bound.issuer }));
      expect(accepted.status).toBe(200);
      const refused = await exchange(await ci.signGitHubToken({ audience: bound.issuer }));
      expect(refused.status).toBe(400);
      expect(refused.json.error).toBe('invalid_grant');
      expect(refused.json.error_description).toBe(
        'subject_token rejected: sub repo:oidcflow-ci/demo:ref:refs/heads/main is not a trusted workload',
      );
    } finally {
      await bound.stop();
    }
  });
});
