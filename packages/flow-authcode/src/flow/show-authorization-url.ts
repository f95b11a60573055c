import type { FlowRunContext } from '@oidcflow/core';

/**
 * Opens the browser through the `openUrl` port when allowed and possible, else prints the
 * URL (it carries no secret: state and the PKCE challenge are useless without the verifier).
 */
export async function showAuthorizationUrl(
  context: FlowRunContext,
  url: URL,
  issuerHost: string,
): Promise<void> {
  const { output } = context.ports;
  const printUrl = (lead: string) => output.write(`${lead}\n\n  ${url.href}\n\n`);
  if (!context.settings.openBrowser) {
    printUrl(`Open this URL to log in at ${issuerHost}:`);
    return;
  }
  if (!context.environment.browserAvailable) {
    printUrl(
      `No browser can be opened here (${context.environment.browserReason}). Open this URL to log in at ${issuerHost}:`,
    );
    return;
  }
  output.write(`Opening browser for login at ${issuerHost}…\n`);
  let opened = false;
  try {
    opened = await context.ports.openUrl(url.href);
  } catch (error) {
    context.log.debug(`opening the browser failed: ${String(error)}`);
  }
  if (!opened) printUrl('The browser could not be opened. Open this URL to log in:');
}
