import { terminalText } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { formatTimeLeft } from './countdown.js';
import { type DeviceVerification, describeDuration, promptText } from './prompt.js';

const now = 1_700_000_000_000;
const verification: DeviceVerification = {
  userCode: 'WDJB-MJHT',
  verificationUri: 'https://idp.example.test/device',
  verificationUriComplete: 'https://idp.example.test/device?user_code=WDJB-MJHT',
  expiresAt: now + 600_000,
  interval: 5,
};

describe('promptText', () => {
  it('off a terminal: plain lines with the code, both links and the expiry', () => {
    const text = promptText(verification, { terminal: false, now });
    expect(text).toBe(
      [
        '',
        'To log in, open this page in a browser on any device:',
        '  https://idp.example.test/device',
        'and enter the code: WDJB-MJHT',
        '',
        'Or open this link, which has the code filled in:',
        '  https://idp.example.test/device?user_code=WDJB-MJHT',
        '',
        'The code expires in 10 minutes.',
        'Waiting for the login to be approved...',
        '',
      ].join('\n'),
    );
  });

  it('on a terminal: the code in bold, the QR code, no "waiting" line (the live line says it)', () => {
    const text = promptText(verification, {
      terminal: true,
      now,
      qrCode: '█▀▀█\n█▄▄█\n',
      opensBrowser: true,
    });
    expect(text).toContain('enter the code: \x1b[1mWDJB-MJHT\x1b[22m');
    expect(text).toContain('Or scan this QR code with a phone:\n█▀▀█\n█▄▄█\n');
    expect(text).toContain('Opening the page in your browser...');
    expect(text).not.toContain('Waiting for the login');
  });

  it('leaves out the second link when the IdP sends no verification_uri_complete', () => {
    const { verificationUriComplete: _, ...withoutComplete } = verification;
    expect(promptText(withoutComplete, { terminal: false, now })).not.toContain('filled in');
  });
});

describe('durations', () => {
  it('formats the time left as a clock', () => {
    expect(formatTimeLeft(545_000)).toBe('9:05');
    expect(formatTimeLeft(3_723_000)).toBe('1:02:03');
    expect(formatTimeLeft(400)).toBe('0:01');
    expect(formatTimeLeft(-5_000)).toBe('0:00');
  });

  it('describes a lifetime in words', () => {
    expect(describeDuration(600_000)).toBe('10 minutes');
    expect(describeDuration(45_000)).toBe('45 seconds');
    expect(describeDuration(1_000)).toBe('1 second');
  });
});

describe('terminalText (core) on what the device prompt shows', () => {
  it('removes escape sequences and other control characters an IdP might send', () => {
    expect(terminalText('WDJB-\x1b]0;owned\x07MJHT\r\n\x9b\u202e')).toBe(
      'WDJB-\\u001b]0;owned\\u0007MJHT\\u000d\\u000a\\u009b\\u202e',
    );
    expect(terminalText('https://idp.example.test/device?x=ü')).toBe('https://idp.example.test/device?x=ü');
  });
});
