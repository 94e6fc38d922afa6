// The gate for single sign-on's settings: which issuers Spur will talk to.
import { describe, expect, it } from 'vitest';
import { oidcClientId, oidcIssuer, ssoLabel } from './validate.js';

describe('oidcIssuer', () => {
  it('keeps an https issuer as given, path and trailing slash included', () => {
    for (const issuer of ['https://accounts.google.com', 'https://kc.example.com/realms/acme', 'https://acme.eu.auth0.com/']) expect(oidcIssuer(issuer)).toBe(issuer);
  });

  it('allows plain http only on this machine’s loopback', () => {
    for (const issuer of ['http://localhost:8080', 'http://127.0.0.1:9000/oidc', 'http://[::1]:5556']) expect(oidcIssuer(issuer)).toBe(issuer);
    for (const issuer of ['http://idp.example.com', 'http://localhost.example.com', 'http://10.0.0.5', 'http://127.0.0.2'])
      expect(() => oidcIssuer(issuer)).toThrow('issuer: must be an https:// URL (http:// only for a provider on this server: localhost, 127.0.0.1)');
  });

  it('refuses other schemes, credentials, queries and fragments', () => {
    expect(() => oidcIssuer('ftp://idp.example.com')).toThrow('must be an https:// URL');
    expect(() => oidcIssuer('file:///etc/passwd')).toThrow('must be an https:// URL');
    expect(() => oidcIssuer('not a url')).toThrow('issuer: use an https:// URL such as https://accounts.google.com');
    expect(() => oidcIssuer('https://u:p@idp.example.com')).toThrow('issuer: must not carry credentials');
    expect(() => oidcIssuer('https://idp.example.com/?x=1')).toThrow('issuer: must not have a query or fragment');
    expect(() => oidcIssuer('https://idp.example.com/#x')).toThrow('issuer: must not have a query or fragment');
  });
});

describe('client id and label', () => {
  it('takes printable client ids and short labels', () => {
    expect(oidcClientId(' spur-1234.apps.example ')).toBe('spur-1234.apps.example');
    expect(() => oidcClientId('two words')).toThrow('client id: must be printable characters without spaces');
    expect(ssoLabel('Google')).toBe('Google');
    expect(() => ssoLabel('x'.repeat(41))).toThrow('button label: must be at most 40 characters');
    expect(() => ssoLabel('a\nb')).toThrow('button label: must not contain control characters');
  });
});
