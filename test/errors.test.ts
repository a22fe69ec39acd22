/** Secrets never leave in any encoding (issue #10 §7): redact() over provider text and messages. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { VideogenError, redact, registerSecret, toAgentMessage } from '../src/errors.js';

const KEY = 'sk-live_9f8e7d6c5b4a3210+/=Zq';
registerSecret(KEY);

describe('redact', () => {
  const forms: [string, string][] = [
    ['plain', KEY],
    ['base64', Buffer.from(KEY).toString('base64')],
    ['base64url', Buffer.from(KEY).toString('base64url')],
    ['URL-encoded', encodeURIComponent(KEY)],
    ['URL-encoded, lower-case escapes', encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['Basic auth (user:key, base64)', Buffer.from(`user:${KEY}`).toString('base64')],
    ['inside a base64 JSON blob, offset 1', Buffer.from(`{"k":"${KEY}"}`).toString('base64')],
    ['inside a base64 JSON blob, offset 2', Buffer.from(`{"ke":"${KEY}"}`).toString('base64')],
    ['inside base64url, offset 2', Buffer.from(`ab${KEY}`).toString('base64url')],
  ];
  it.each(forms)('scrubs the key %s', (_name, encoded) => {
    const out = redact(`provider said: token=${encoded} end`);
    expect(out).toContain('[redacted]');
    // Nothing left in the output decodes back to the key, at any alignment.
    for (const token of out.match(/[A-Za-z0-9+/_%-]{8,}={0,2}/g) ?? []) {
      expect(decodeURIComponent(token.replace(/%(?![0-9a-f]{2})/gi, ''))).not.toContain(KEY);
      for (let skip = 0; skip < 4; skip++) {
        const t = token.slice(skip);
        expect(Buffer.from(t, 'base64').toString('latin1')).not.toContain(KEY);
        expect(Buffer.from(t, 'base64url').toString('latin1')).not.toContain(KEY);
      }
    }
    expect(out).not.toContain(KEY);
  });

  it('through toAgentMessage, provider text echoing the key base64-encoded is scrubbed', () => {
    const err = new VideogenError('auth', 'refused', { provider: 'runapi', providerText: `bad header Basic ${Buffer.from(`x:${KEY}`).toString('base64')}` });
    const msg = toAgentMessage(err).message;
    expect(msg).toContain('[redacted]');
    expect(msg).not.toContain(Buffer.from(`x:${KEY}`).toString('base64'));
  });
});

describe('a key pasted into a *_BASE_URL variable', () => {
  it.each(['RUNAPI_BASE_URL', 'MINIMAX_BASE_URL', 'RUNWAYML_BASE_URL'])('%s: the config error does not echo it', (name) => {
    const pasted = 'key_0123456789abcdef0123456789abcdef';
    let msg = '';
    try {
      loadConfig({ [name]: pasted });
    } catch (err) {
      msg = (err as Error).message;
    }
    expect(msg).toMatch(new RegExp(`${name} is not a valid URL`));
    expect(msg).not.toContain(pasted);
    expect(msg).not.toContain(pasted.slice(0, 12));
  });

  it('a key that parses as a URL scheme (abc-123:xyz) is not echoed either', () => {
    let msg = '';
    try {
      loadConfig({ APIFRAME_BASE_URL: 'afk-secretvalue:123456' });
    } catch (err) {
      msg = (err as Error).message;
    }
    expect(msg).toMatch(/APIFRAME_BASE_URL must be an http\(s\) URL/);
    expect(msg).not.toContain('secretvalue');
  });
});

describe('a secret cut in half by an earlier truncation', () => {
  it('is still redacted at the end of the text', () => {
    const body = `{"error":"bad key ${KEY}"}`;
    const cut = body.slice(0, body.indexOf(KEY) + 12);
    const out = redact(cut);
    expect(out).not.toContain(KEY.slice(0, 12));
    expect(out.endsWith('[redacted]')).toBe(true);
  });
});
