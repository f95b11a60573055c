import type { FlowRunContext } from '@oidcflow/core';

/** Only web pages are opened: a scheme like `file:` in an IdP's answer must not reach an opener. */
function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** Whether `openVerificationPage` will try to open `url`. */
export function willOpenVerificationPage(context: FlowRunContext, url: string): boolean {
  return context.settings.openBrowser && context.environment.browserAvailable && isWebUrl(url);
}

/**
 * Opens the verification page (with the code filled in, when the IdP offers that) through the
 * `openUrl` port, when the settings allow it and a browser can be shown. It is not awaited by
 * the flow: polling starts at once, and a browser that cannot be opened changes nothing, since
 * the prompt already shows the page and the code.
 */
export function openVerificationPage(context: FlowRunContext, url: string): void {
  if (!willOpenVerificationPage(context, url)) return;
  let opening: Promise<boolean>;
  try {
    opening = context.ports.openUrl(url);
  } catch (error) {
    opening = Promise.reject(error);
  }
  opening.then(
    (opened) => {
      if (!opened) context.log.debug('no browser could be opened for the verification page');
    },
    (error: unknown) => context.log.debug(`opening the verification page failed: ${String(error)}`),
  );
}
