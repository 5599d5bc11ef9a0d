/** The environment → Config: zero-setup defaults, lists, and errors that name the variable. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/index.js';

describe('loadConfig', () => {
  it('needs nothing: port 3001, the embedded database in ./data, Graph defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3001,
      dataDir: resolve('./data'),
      database: { kind: 'embedded', dataDir: resolve('./data') },
      redisUrl: null,
      adminToken: null,
      encryptionKey: null,
      graph: { baseUrl: 'https://graph.facebook.com', apiVersion: 'v24.0' },
      frontendOrigins: ['http://localhost:3000'],
    });
    expect(config.webhookBodyLimit).toBeGreaterThanOrEqual(3 * 1024 * 1024);
  });

  it('reads PostgreSQL with its pool size, and a comma-separated FRONTEND_URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/waflow',
      DATABASE_POOL_SIZE: '25',
      FRONTEND_URL: 'https://a.example.com, https://b.example.com,',
      META_GRAPH_URL: 'http://localhost:4010/',
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/waflow', poolSize: 25 });
    expect(config.frontendOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(config.graph.baseUrl).toBe('http://localhost:4010');
  });

  it('takes a variable set to nothing as unset, and a Graph URL only over http(s)', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3001, database: { kind: 'embedded' } });
    for (const url of ['ftp://graph.example', 'javascript:alert(1)']) {
      expect(() => loadConfig({ META_GRAPH_URL: url }), url).toThrow(/META_GRAPH_URL: must be an http:\/\/ or https:\/\/ URL/);
    }
  });

  it('trusts no proxy by default; TRUST_PROXY takes a hop count or addresses, blocks and range names', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 172.16.0.0/12,uniquelocal, ::1, fd00::/8' }).trustProxy).toEqual([
      '10.0.0.1',
      '172.16.0.0/12',
      'uniquelocal',
      '::1',
      'fd00::/8',
    ]);
    for (const value of ['true', 'all', '10.0.0.0/33', '10.0.0.1/8/1', 'proxy.example.com', ',']) {
      expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY/);
    }
  });

  it('refuses bad values, naming each variable', () => {
    const load = () => loadConfig({ PORT: 'x', ENCRYPTION_KEY: 'short', WEBHOOK_BODY_LIMIT_BYTES: '1000', DATABASE_URL: 'mysql://x' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*ENCRYPTION_KEY[\s\S]*WEBHOOK_BODY_LIMIT_BYTES/);
  });
});
