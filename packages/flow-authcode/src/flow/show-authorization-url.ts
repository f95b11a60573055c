import type { FlowRunContext } from '@oidcflow/core';

/**
 * Shows the authorization URL: through the `openUrl` port when `openBrowser` is set, printed
 * on the output when it is not or when the opener fails (the URL carries no secret: state and
 * the PKCE challenge are useless without the verifier).
 *
 * When the environment looks headless the URL is printed first and the port is still
 * called: a caller may have replaced it (a harness driving Playwright), and core's default
 * just reports failure. Never throws; `stillWaiting` keeps a late opener failure from
 * printing the URL after the login already ended.
 */
export async function showAuthorizationUrl(
  context: FlowRunContext,
  url: URL,
  issuerHost: string,
  stillWaiting: () => boolean = () => true,
): Promise<void> {
  const write = (text: string) => {
    try {
      context.ports.output.write(text);
    } catch (error) {
      context.log.debug(`writing to the prompt output failed: ${String(error)}`);
    }
  };
  const printUrl = (lead: string) => write(`${lead}\n\n  ${url.href}\n\n`);
  if (!context.settings.openBrowser) {
    printUrl(`Open this URL to log in at ${issuerHost}:`);
    return;
  }
  const { browserAvailable, browserReason } = context.environment;
  if (browserAvailable) write(`Opening the browser to log in at ${issuerHost}…\n`);
  else
    printUrl(
      `No browser may be available here (${browserReason}). Open this URL to log in at ${issuerHost}:`,
    );
  let opened = false;
  try {
    opened = await context.ports.openUrl(url.href);
  } catch (error) {
    context.log.debug(`opening the browser failed: ${String(error)}`);
  }
  if (!opened && browserAvailable && stillWaiting()) {
    printUrl('The browser could not be opened. Open this URL to log in:');
  }
}
