import { describe, expect, it } from 'vitest';
import { loadPodConfig } from './pod-config.ts';

describe('loadPodConfig', () => {
  it('runs on one machine with no settings: memory fan-out, loopback, port 8090', () => {
    expect(loadPodConfig([], {})).toEqual({
      port: 8090,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:data/glint.db',
      redisUrl: null,
      logLevel: 'info',
      logFormat: 'auto',
    });
  });

  it('takes flags over the environment, and the conventional variable names', () => {
    const config = loadPodConfig(['--port', '9001', '--host', '0.0.0.0'], {
      GLINT_CHAT_PORT: '7000',
      DATABASE_URL: 'postgres://glint@db/glint',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config).toMatchObject({
      port: 9001,
      host: '0.0.0.0',
      databaseUrl: 'postgres://glint@db/glint',
      redisUrl: 'redis://127.0.0.1:6379',
    });
  });

  it('names the setting that is wrong', () => {
    expect(() => loadPodConfig(['--port', 'eighty'], {})).toThrow(/--port/);
    expect(() => loadPodConfig(['--prot', '1'], {})).toThrow(/usage: npm run chat/);
    expect(() => loadPodConfig([], { GLINT_DATABASE_URL: 'mysql://x' })).toThrow(/GLINT_DATABASE_URL/);
    expect(() => loadPodConfig([], { REDIS_URL: 'localhost' })).toThrow(/REDIS_URL/);
    expect(() => loadPodConfig([], { GLINT_LOG_LEVEL: 'loud' })).toThrow(/GLINT_LOG_LEVEL/);
  });
});
