import { ConfigError, DEV_ADMIN_API_KEY, parseConfig, publicBaseUrl } from '../../common/config';

describe('configuration', () => {
  it('needs nothing set for development', () => {
    const cfg = parseConfig({});
    expect(cfg).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '127.0.0.1',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'lifeline',
      LOG_LEVEL: 'info',
    });
    expect(cfg.DATABASE_URL).toBeUndefined();
  });

  it('reads a remote cluster or Temporal Cloud set-up', () => {
    const cfg = parseConfig({
      TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'acme.a1b2c',
      TEMPORAL_API_KEY: 'secret',
      TEMPORAL_TLS: 'true',
      DATABASE_URL: 'postgres://u:p@db:5432/lifeline',
      PORT: '8080',
    });
    expect(cfg).toMatchObject({ TEMPORAL_TLS: true, PORT: 8080, TEMPORAL_API_KEY: 'secret' });
  });

  it('names every bad variable and what it expected', () => {
    let error: ConfigError | undefined;
    try {
      parseConfig({ PORT: 'eighty', TEMPORAL_ADDRESS: 'localhost', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', TEMPORAL_TLS: 'maybe' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = error!.problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'TEMPORAL_ADDRESS', 'TEMPORAL_TLS']);
    expect(error!.message).toMatch(/TEMPORAL_ADDRESS: expected host:port/);
    expect(error!.message).toMatch(/DATABASE_URL: expected a postgres:\/\//);
  });

  it('refuses half a mutual-TLS pair', () => {
    expect(() => parseConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/tls/client.pem' })).toThrow(/TEMPORAL_TLS_CLIENT_KEY_PATH/);
  });

  it('treats an empty variable as unset', () => {
    const cfg = parseConfig({ PORT: '', DATABASE_URL: '' });
    expect(cfg.PORT).toBe(3000);
    expect(cfg.DATABASE_URL).toBeUndefined();
  });

  it('serves the worker metrics on 9464 and the SDK metrics on 9465 unless switched off', () => {
    expect(parseConfig({})).toMatchObject({ WORKER_METRICS_HOST: '127.0.0.1', WORKER_METRICS_PORT: 9464, WORKER_SDK_METRICS_PORT: 9465 });
    const off = parseConfig({ WORKER_METRICS_PORT: 'off', WORKER_SDK_METRICS_PORT: '0', WORKER_METRICS_HOST: '0.0.0.0' });
    expect(off).toMatchObject({ WORKER_METRICS_HOST: '0.0.0.0', WORKER_METRICS_PORT: undefined, WORKER_SDK_METRICS_PORT: undefined });
    expect(parseConfig({ WORKER_METRICS_PORT: '19464' }).WORKER_METRICS_PORT).toBe(19464);
    expect(() => parseConfig({ WORKER_METRICS_PORT: '70000' })).toThrow(
      /WORKER_METRICS_PORT: expected a port between 1 and 65535, or 0 or off/,
    );
    expect(() => parseConfig({ WORKER_SDK_METRICS_PORT: 'yes' })).toThrow(/WORKER_SDK_METRICS_PORT/);
  });

  it('refuses the development admin key in production, and only there', () => {
    expect(() => parseConfig({ NODE_ENV: 'production', LIFELINE_ADMIN_API_KEY: DEV_ADMIN_API_KEY })).toThrow(
      /LIFELINE_ADMIN_API_KEY: is the well-known development key/,
    );
    expect(parseConfig({ NODE_ENV: 'development', LIFELINE_ADMIN_API_KEY: DEV_ADMIN_API_KEY }).LIFELINE_ADMIN_API_KEY).toBe(
      DEV_ADMIN_API_KEY,
    );
    expect(parseConfig({ NODE_ENV: 'production', LIFELINE_ADMIN_API_KEY: 'f'.repeat(64) }).LIFELINE_ADMIN_API_KEY).toBe('f'.repeat(64));
  });

  it('publishes links under PUBLIC_BASE_URL, else where it listens', () => {
    expect(publicBaseUrl(parseConfig({}))).toBe('http://127.0.0.1:3000');
    expect(publicBaseUrl(parseConfig({ HOST: '0.0.0.0', PORT: '8080' }))).toBe('http://127.0.0.1:8080');
    expect(publicBaseUrl(parseConfig({ HOST: '::1', PORT: '8080' }))).toBe('http://[::1]:8080');
    expect(publicBaseUrl(parseConfig({ PUBLIC_BASE_URL: 'https://lifeline.example.com/' }))).toBe('https://lifeline.example.com');
    expect(publicBaseUrl(parseConfig({ PUBLIC_BASE_URL: 'https://Example.com:8443/support//' }))).toBe('https://example.com:8443/support');
    for (const bad of ['javascript:alert(1)', 'ftp://example.com', 'https://example.com/?a=1', 'https://u:p@example.com', 'example.com']) {
      expect(() => parseConfig({ PUBLIC_BASE_URL: bad })).toThrow(/PUBLIC_BASE_URL: expected an http\(s\) URL/);
    }
  });

  it('trusts no proxy unless told which', () => {
    expect(parseConfig({}).TRUST_PROXY).toBe(false);
    expect(parseConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(parseConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(parseConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7' }).TRUST_PROXY).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.7',
    ]);
    for (const bad of ['true', 'everyone', '10.0.0.0/33', '300.1.1.1', 'loopback,']) {
      expect(() => parseConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: expected false, a hop count/);
    }
  });

  it('limits requests by default, and a limit of 0 switches it off', () => {
    expect(parseConfig({})).toMatchObject({
      RATE_LIMIT_WINDOW_SECONDS: 60,
      RATE_LIMIT_PER_ADDRESS: 600,
      RATE_LIMIT_PER_KEY: 300,
      RATE_LIMIT_AUTH_FAILURES: 20,
    });
    expect(parseConfig({ RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_PER_ADDRESS: '0' })).toMatchObject({
      RATE_LIMIT_PER_KEY: 0,
      RATE_LIMIT_PER_ADDRESS: 0,
    });
    expect(() => parseConfig({ RATE_LIMIT_PER_KEY: '-1' })).toThrow(/RATE_LIMIT_PER_KEY/);
    expect(() => parseConfig({ RATE_LIMIT_WINDOW_SECONDS: '0' })).toThrow(/RATE_LIMIT_WINDOW_SECONDS/);
  });
});
