import { describe, expect, it } from 'vitest';
import { configuredProviders, loadConfig } from '../src/config.js';
import { VideogenError, redact, toAgentMessage } from '../src/errors.js';

const cfg = (env: Record<string, string>) => loadConfig(env, '/work/project');
const fails = (env: Record<string, string>): string => {
  try {
    cfg(env);
  } catch (err) {
    expect(err).toBeInstanceOf(VideogenError);
    return (err as VideogenError).message;
  }
  throw new Error('expected a configuration error');
};

describe('configuration from the environment', () => {
  it('with no keys every provider is disabled and the defaults hold', () => {
    const c = cfg({});
    expect(configuredProviders(c)).toEqual([]);
    expect(c.providers.runapi.baseUrl).toBe('https://runapi.ai');
    expect(c.providers.apiframe.baseUrl).toBe('https://api.apiframe.ai');
    expect(c.providers.atlascloud.baseUrl).toBe('https://api.atlascloud.ai');
    expect(c.providers.minimax.baseUrl).toBe('https://api.minimax.io');
    expect(c.providers.runway.baseUrl).toBe('https://api.dev.runwayml.com');
    expect(c.maxWaitSeconds).toBe(50);
    expect(c.download).toBe(true);
    expect(c.outputDir).toBeUndefined();
  });

  it('a key enables its provider; an unexpanded ${VAR} placeholder counts as unset', () => {
    const c = cfg({ RUNAPI_API_KEY: 'runapi_abc123', RUNWAYML_API_SECRET: '${RUNWAYML_API_SECRET}', MINIMAX_API_KEY: '  ' });
    expect(configuredProviders(c)).toEqual(['runapi']);
  });

  it('base URLs may point at a local fake, and lose trailing slashes', () => {
    expect(cfg({ RUNAPI_BASE_URL: 'http://127.0.0.1:4010/' }).providers.runapi.baseUrl).toBe('http://127.0.0.1:4010');
  });

  it('MINIMAX_API_HOST is an alias for MINIMAX_BASE_URL (MiniMax tools use it)', () => {
    const c = cfg({ MINIMAX_API_HOST: 'https://api.minimaxi.com' });
    expect(c.providers.minimax.baseUrl).toBe('https://api.minimaxi.com');
    expect(c.providers.minimax.baseUrlEnv).toBe('MINIMAX_API_HOST');
  });

  it.each([
    [{ RUNAPI_BASE_URL: 'not a url' }, /RUNAPI_BASE_URL is not a valid URL/],
    [{ ATLASCLOUD_BASE_URL: 'ftp://x' }, /ATLASCLOUD_BASE_URL must be an http\(s\) URL/],
    [{ VIDEOGEN_BUDGET_USD_DAILY: 'lots' }, /VIDEOGEN_BUDGET_USD_DAILY must be a number/],
    [{ VIDEOGEN_MAX_WAIT_SECONDS: '-1' }, /VIDEOGEN_MAX_WAIT_SECONDS/],
    [{ VIDEOGEN_DOWNLOAD: 'maybe' }, /VIDEOGEN_DOWNLOAD must be on or off/],
    [{ VIDEOGEN_PROVIDER_ORDER: 'runapi,acme' }, /VIDEOGEN_PROVIDER_ORDER names unknown providers: acme/],
  ])('a malformed value stops startup naming the variable: %j', (env, message) => {
    expect(fails(env)).toMatch(message);
  });

  it('relative directories resolve against the working directory', () => {
    const c = cfg({ VIDEOGEN_STATE_DIR: '.state', VIDEOGEN_OUTPUT_DIR: 'out', VIDEOGEN_INPUT_DIRS: 'assets:/data/frames' });
    expect(c.stateDir).toBe('/work/project/.state');
    expect(c.outputDir).toBe('/work/project/out');
    expect(c.inputDirs).toEqual(['/work/project/assets', '/data/frames']);
  });

  it('keys are registered as secrets and redacted from any text', () => {
    cfg({ APIFRAME_API_KEY: 'afk_live_0123456789' });
    expect(redact('the key afk_live_0123456789 leaked')).not.toContain('0123456789');
    expect(redact('Authorization: Bearer sk-abcdefghijkl')).toBe('Authorization: Bearer [redacted]');
    expect(redact('job runapi_WyJoYWlsdW8tMDIiXQ stays readable')).toContain('runapi_WyJoYWlsdW8tMDIiXQ');
  });

  it('provider text is quoted, labelled and truncated in agent messages', () => {
    const err = new VideogenError('validation', 'RunAPI rejected the request.', { provider: 'runapi', providerText: `"bad"\n${'y'.repeat(1000)}` });
    const { message } = toAgentMessage(err);
    expect(message).toMatch(/^RunAPI rejected the request\. runapi said \(untrusted, truncated\): "'bad' y+…"$/);
    expect(message.length).toBeLessThan(400);
  });
});
