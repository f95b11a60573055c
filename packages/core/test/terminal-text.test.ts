import { describe, expect, it } from 'vitest';
import { ErrorCode, OidcflowError, terminalLines, terminalText } from '../src/index.js';

describe('terminalText: what the IdP says is shown, never obeyed', () => {
  it('spells out C0, DEL, C1, bidi overrides and isolates, and zero-width characters as \\uXXXX', () => {
    expect(terminalText('a\u001b[2Jb\u0007c\u007fd\u009be\u202ef\u2066g\u200bh\r\ni\u2028')).toBe(
      'a\\u001b[2Jb\\u0007c\\u007fd\\u009be\\u202ef\\u2066g\\u200bh\\u000d\\u000ai\\u2028',
    );
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    const text = 'Anaïs Müller <anais@example.com> 日本語 🙂 https://idp.example/x?y=1&z=%20';
    expect(terminalText(text)).toBe(text);
  });

  it('terminalLines keeps our own line breaks and tabs', () => {
    expect(terminalLines('one\n\ttwo\u001b]0;x\u0007')).toBe('one\n\ttwo\\u001b]0;x\\u0007');
  });

  it('an OidcflowError message and its oauthErrorDescription are safe to print', () => {
    const error = new OidcflowError(ErrorCode.TOKEN_REQUEST_FAILED, 'refused (\u001b[31mred\u202e)', {
      oauthErrorDescription: 'line\nbreak\u009b',
    });
    expect(error.message).toBe('refused (\\u001b[31mred\\u202e)');
    expect(error.oauthErrorDescription).toBe('line\\u000abreak\\u009b');
  });
});
