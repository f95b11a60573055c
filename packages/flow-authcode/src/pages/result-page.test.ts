import { describe, expect, it } from 'vitest';
import { failurePage, PAGE_HEADERS, renderResultPage, successPage } from './result-page.js';

describe('result pages', () => {
  it('escape what the IdP sent, so a description cannot inject markup', () => {
    const html = renderResultPage(
      failurePage('Refused.', 'access_denied: <script>alert("x")</script> & <b>'),
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;');
  });

  it('load nothing from elsewhere: no script, no external URL, no link, no image', () => {
    for (const page of [successPage('idp.example.com'), failurePage('Refused.', 'access_denied')]) {
      const html = renderResultPage(page);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|https?:\/\//i);
      expect(html).not.toMatch(/\s(src|href|action)=/i);
    }
  });

  it('say what happened', () => {
    expect(renderResultPage(successPage('idp.example.com'))).toMatch(
      /Login succeeded[\s\S]*close this window/,
    );
    expect(renderResultPage(failurePage('The IdP refused.', 'access_denied: nope'))).toMatch(
      /Login failed[\s\S]*access_denied: nope/,
    );
  });

  it('are sent with a strict CSP, no referrer and no caching', () => {
    expect(PAGE_HEADERS['Content-Security-Policy']).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
    expect(PAGE_HEADERS['Referrer-Policy']).toBe('no-referrer');
    expect(PAGE_HEADERS['Cache-Control']).toBe('no-store');
  });
});
