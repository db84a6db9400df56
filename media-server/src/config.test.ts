import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, defineConfig, loadConfig, redactConfig, SETTINGS } from './config.ts';

const KEY = 'a-long-enough-demo-key';

describe('config defaults', () => {
  it('run on one machine without any variable', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '0.0.0.0',
      httpPort: 8080,
      rtmpPort: 1935,
      publicHost: 'localhost',
      demoStreamKey: undefined,
      demoBroadcast: true,
      partTargetMs: 200,
      segmentTargetMs: 1000,
      maxSegmentMs: 4000,
      whipKeyframeIntervalMs: 1000,
      llhlsStartWaitMs: 3000,
      logLevel: 'info',
      logFormat: 'auto',
      webrtcPublicIps: [],
      webrtcConnectTimeoutMs: 10_000,
      webrtcIdleTimeoutMs: 15_000,
      metricsToken: undefined,
    });
  });

  it('give every setting a value', () => {
    const config = loadConfig({});
    for (const key of Object.keys(SETTINGS)) expect(key in config, key).toBe(true);
  });

  it('derive from the settings they follow', () => {
    const config = loadConfig({ GLINT_SEGMENT_TARGET_MS: '2000' });
    expect(config.maxSegmentMs).toBe(8000);
    expect(config.whipKeyframeIntervalMs).toBe(2000);
    expect(defineConfig({ segmentTargetMs: 500 }).whipKeyframeIntervalMs).toBe(500);
  });
});

describe('config from the environment', () => {
  it.each([
    ['GLINT_HTTP_PORT', '0', 'httpPort', 0],
    ['GLINT_RTMP_PORT', '19350', 'rtmpPort', 19350],
    ['GLINT_DEMO_BROADCAST', 'off', 'demoBroadcast', false],
    ['GLINT_DEMO_BROADCAST', 'YES', 'demoBroadcast', true],
    ['GLINT_WEBRTC_PUBLIC_IPS', ' 203.0.113.7, ,198.51.100.2 ', 'webrtcPublicIps', ['203.0.113.7', '198.51.100.2']],
    ['GLINT_LOG_FORMAT', 'json', 'logFormat', 'json'],
    ['GLINT_LOG_LEVEL', 'debug', 'logLevel', 'debug'],
    ['GLINT_DEMO_STREAM_KEY', KEY, 'demoStreamKey', KEY],
    ['GLINT_LLHLS_START_WAIT_MS', '1500', 'llhlsStartWaitMs', 1500],
    ['GLINT_HOST', '', 'host', '0.0.0.0'],
  ])('%s=%j sets %s', (name, raw, key, expected) => {
    expect(loadConfig({ [name]: raw })[key as keyof typeof SETTINGS]).toEqual(expected);
  });

  it.each([
    ['GLINT_HTTP_PORT', 'eighty', /^GLINT_HTTP_PORT must be an integer, got "eighty"$/],
    ['GLINT_HTTP_PORT', '-1', /^GLINT_HTTP_PORT must be an integer ≥ 0, got -1$/],
    ['GLINT_PART_TARGET_MS', '0', /^GLINT_PART_TARGET_MS must be an integer ≥ 1, got 0$/],
    ['GLINT_RTMP_MAX_CONNECTIONS', '1.5', /^GLINT_RTMP_MAX_CONNECTIONS must be an integer, got "1.5"$/],
    ['GLINT_DEMO_BROADCAST', 'maybe', /^GLINT_DEMO_BROADCAST must be true or false, got "maybe"$/],
    ['GLINT_LOG_FORMAT', 'xml', /^GLINT_LOG_FORMAT must be one of auto, json, pretty, got "xml"$/],
    ['GLINT_LOG_LEVEL', 'loud', /^GLINT_LOG_LEVEL must be one of /],
    ['GLINT_DEMO_STREAM_KEY', 'abc', /^GLINT_DEMO_STREAM_KEY must be at least 16 characters \(got 3\)/],
    [
      'GLINT_TRUST_PROXY',
      '1',
      /^GLINT_TRUST_PROXY must be the proxy’s addresses or CIDRs \(or true\), not a hop count/,
    ],
    ['GLINT_MAX_SEGMENT_MS', '500', /GLINT_MAX_SEGMENT_MS \(500\) must be at least GLINT_SEGMENT_TARGET_MS \(1000\)/],
  ])('%s=%j is refused with a message naming it', (name, raw, message) => {
    let thrown: unknown;
    try {
      loadConfig({ [name]: raw });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).code).toBe('CONFIG_INVALID');
    expect((thrown as ConfigError).message).toMatch(message);
  });

  it('never echoes a secret back in an error', () => {
    expect(() => loadConfig({ GLINT_DEMO_STREAM_KEY: 'short-secret' })).toThrow(ConfigError);
    try {
      loadConfig({ GLINT_DEMO_STREAM_KEY: 'short-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('short-secret');
    }
  });
});

describe('config overrides', () => {
  it('win over the environment and the defaults', () => {
    const config = loadConfig({ GLINT_HTTP_PORT: '9000', GLINT_RTMP_PORT: '9001' }, { httpPort: 0 });
    expect(config.httpPort).toBe(0);
    expect(config.rtmpPort).toBe(9001);
  });

  it('defineConfig ignores the process environment', () => {
    process.env.GLINT_PUBLIC_HOST = 'from-the-env.example';
    try {
      expect(defineConfig({ demoBroadcast: false }).publicHost).toBe('localhost');
    } finally {
      delete process.env.GLINT_PUBLIC_HOST;
    }
  });

  it('are checked like env values, named by their key', () => {
    expect(() => defineConfig({ rtmpIdleTimeoutMs: 0 })).toThrow(/^config\.rtmpIdleTimeoutMs must be an integer ≥ 1/);
    expect(() => defineConfig({ demoStreamKey: 'short' })).toThrow(/^config\.demoStreamKey must be at least 16/);
    expect(defineConfig({ maxSegmentMs: 1000 }).maxSegmentMs).toBe(1000);
  });
});

describe('redactConfig', () => {
  it('hides secrets and keeps the rest', () => {
    const shown = redactConfig(defineConfig({ demoStreamKey: KEY, metricsToken: 'tok-123' }));
    expect(shown.demoStreamKey).toBe('[redacted]');
    expect(shown.metricsToken).toBe('[redacted]');
    expect(shown.httpPort).toBe(8080);
    expect(JSON.stringify(shown)).not.toContain(KEY);
  });
});

describe("the README's configuration tables", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('list every setting with its default, and nothing else', () => {
    const rows = readme.split('\n').filter((line) => line.startsWith('| `GLINT_'));
    const documented = rows.map((line) => line.split('|')[1]?.trim().replaceAll('`', ''));
    const settings = Object.values(SETTINGS);
    expect(documented.sort()).toEqual(settings.map((s) => s.env).sort());
    for (const s of settings) {
      const row = rows.find((line) => line.startsWith(`| \`${s.env}\` |`));
      const shown = 'defaultText' in s && s.defaultText ? s.defaultText : `\`${String(s.default)}\``;
      expect(row?.split('|')[2]?.trim(), s.env).toBe(shown);
    }
  });
});
