import { describe, expect, it } from 'vitest';
import {
  formatCredentialAnswer,
  isAllowedHost,
  mayReceiveToken,
  parseCredentialRequest,
} from './credential-protocol.js';

describe("git's credential protocol", () => {
  it('reads key=value lines up to the blank line', () => {
    expect(parseCredentialRequest('protocol=https\nhost=git.example.com\npath=a=b\n\nignored=1\n')).toEqual({
      protocol: 'https',
      host: 'git.example.com',
      path: 'a=b',
    });
  });

  it('answers key=value lines and refuses a value with a newline', () => {
    expect(formatCredentialAnswer({ username: 'oauth2', password: 'x' })).toBe(
      'username=oauth2\npassword=x\n',
    );
    expect(() => formatCredentialAnswer({ password: 'a\nb' })).toThrow(/newline/);
  });

  it('a token goes over https, or plain http to this machine only', () => {
    expect(mayReceiveToken({ protocol: 'https', host: 'git.example.com' })).toBe(true);
    expect(mayReceiveToken({ protocol: 'http', host: '127.0.0.1:8080' })).toBe(true);
    expect(mayReceiveToken({ protocol: 'http', host: 'git.example.com' })).toBe(false);
    expect(mayReceiveToken({ host: 'git.example.com' })).toBe(false);
  });

  it('a host is answered only when named exactly (case and a trailing dot aside, port included)', () => {
    const allowed = ['Git.Example.com', 'https://git.internal.example:8443', 'not a url ://'];
    const asked = (host: string) => isAllowedHost({ protocol: 'https', host }, allowed);
    expect(asked('git.example.com')).toBe(true);
    expect(asked('git.example.com.')).toBe(true);
    expect(asked('git.internal.example:8443')).toBe(true);
    expect(asked('git.internal.example')).toBe(false);
    expect(asked('git.example.com:8443')).toBe(false);
    expect(asked('sub.git.example.com')).toBe(false);
    expect(asked('git.example.com.attacker.example')).toBe(false);
    expect(asked('')).toBe(false);
    expect(isAllowedHost({ protocol: 'https' }, allowed)).toBe(false);
  });
});
