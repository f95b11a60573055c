import type { PageScript } from '@oidcflow/conformance/targets';

/**
 * A page script that makes Keycloak forget earlier consents before a refusal. Keycloak
 * remembers an approval given in the auth code flow and then skips the consent page, so a later
 * "deny" would have nothing to click. Only refusals revoke: revoking also ends the user's
 * sessions at that client, which an approving login should not do to its neighbours.
 */
export function withFreshConsent(pages: PageScript, revokeConsents: () => Promise<void>): PageScript {
  return {
    name: pages.name,
    ...(pages.reportsSignInPages ? { reportsSignInPages: true } : {}),
    async completeLogin(page, input) {
      if (input.consent === 'deny') await revokeConsents();
      await pages.completeLogin(page, input);
    },
    async completeDeviceVerification(page, input) {
      if (input.consent === 'deny') await revokeConsents();
      await pages.completeDeviceVerification(page, input);
    },
  };
}
