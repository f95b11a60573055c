// Plain pages for the device flow and errors. oidc-provider's defaults print a notice on first
// use (and load a web font); these keep the same form ids, field names and button labels.
import escapeHtml from 'escape-html';
import type { ProviderContext } from 'oidc-provider';

function page(title: string, content: string): string {
  return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${content}
</body>
</html>`;
}

export async function userCodeInputSource(
  context: ProviderContext,
  form: string,
  _out: unknown,
  error?: { name?: string; userCode?: unknown },
): Promise<void> {
  let message = '<p>Enter the code displayed on your device</p>';
  if (error?.userCode || error?.name === 'NoCodeError') {
    message = '<p class="error">The code you entered is incorrect. Try again</p>';
  } else if (error?.name === 'AbortedError') {
    message = '<p class="error">The Sign-in request was interrupted</p>';
  } else if (error) {
    message = '<p class="error">There was an error processing your request</p>';
  }
  context.type = 'html';
  context.body = page(
    'Sign-in',
    `${message}
${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`,
  );
}

export async function userCodeConfirmSource(
  context: ProviderContext,
  form: string,
  client: { clientName?: string; clientId: string },
  _deviceInfo: unknown,
  userCode: string,
): Promise<void> {
  context.type = 'html';
  context.body = page(
    'Confirm Device',
    `<p><strong>${escapeHtml(client.clientName ?? client.clientId)}</strong></p>
<p>The following code should be displayed on your device: <code>${escapeHtml(userCode)}</code></p>
${form}
<button autofocus type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">[ Abort ]</button>`,
  );
}

export async function successSource(context: ProviderContext): Promise<void> {
  context.type = 'html';
  context.body = page('Sign-in Success', '<p>Your sign-in was successful, you can now close this page.</p>');
}

export async function renderError(context: ProviderContext, out: Record<string, unknown>): Promise<void> {
  context.type = 'html';
  context.body = page(
    'oops! something went wrong',
    Object.entries(out)
      .map(([key, value]) => `<pre><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</pre>`)
      .join('\n'),
  );
}
