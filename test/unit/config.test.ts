import { ConfigError, parseConfig } from '../../common/config';

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
});
