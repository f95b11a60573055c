// The device flow with the endpoints given as options (no discovery) against an IdP whose
// issuer ends in a slash or has a path: the ID token names the issuer byte for byte, so it is
// accepted when the issuer is configured exactly, and refused naming both spellings otherwise.
import { ErrorCode, OidcAuth } from '@oidcflow/core';
import { completeDeviceVerificationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceVerification } from '../src/index.js';
import { createFakeClock, deviceOptions, rejectionOf } from './support.js';

describe.each(['/', '/realms/x', '/tenant/v2.0'])('issuer path %j, endpoints given', (issuerPath) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ issuerPath, deviceIntervalSeconds: 1 });
  });
  afterAll(async () => {
    await idp?.stop();
  });
  beforeEach(() => idp.requests.reset());

  const endpoint = (name: string) => `${idp.issuer.replace(/\/+$/, '')}/${name}`;
  const approve = async (verification: DeviceVerification) => {
    await completeDeviceVerificationWithoutBrowser(verification.verificationUriComplete!, idp.user);
  };
  const options = (issuer: string) =>
    deviceOptions(idp, {
      clock: createFakeClock(),
      flow: { onVerification: approve },
      extra: {
        issuer,
        deviceAuthorizationEndpoint: endpoint('device/auth'),
        tokenEndpoint: endpoint('token'),
      },
    });

  it('the issuer as the IdP spells it: the ID token is accepted, without discovery', async () => {
    const tokens = await new OidcAuth(options(idp.issuer)).getTokens();
    expect(tokens.idTokenClaims?.iss).toBe(idp.issuer);
    expect(idp.requests.discoveryRequests()).toBe(0);
  });

  it('another spelling: ISSUER_MISMATCH naming the ID token’s issuer and what to pass', async () => {
    const other = idp.issuer.endsWith('/') ? idp.issuer.replace(/\/+$/, '') : `${idp.issuer}/`;
    const error = await rejectionOf(new OidcAuth(options(other)).getTokens());
    expect(error.code).toBe(ErrorCode.ISSUER_MISMATCH);
    expect(error.message).toContain(`The ID token's issuer (iss) is "${idp.issuer}"`);
    expect(error.message).toContain(`the issuer configured is "${other}"`);
    expect(error.message).toContain(`set the issuer option to "${idp.issuer}"`);
    expect(idp.requests.discoveryRequests()).toBe(0);
  });
});
