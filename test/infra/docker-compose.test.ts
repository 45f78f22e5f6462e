import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../common/config';

// No Docker engine runs here: check what can be checked of the files users run.
const root = path.resolve(__dirname, '../..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const services = compose.services as Record<string, any>;

/** Compose's `${VAR:-default}` / `${VAR:?message}` with the given variables. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (vars[name] !== undefined && vars[name] !== '') return vars[name];
    if (op === '?') throw new Error(arg);
    return op === '-' ? (arg ?? '') : '';
  });
}

describe('docker-compose.yml', () => {
  it('has the services of a self-hosted Lifeline', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['lifeline-api', 'lifeline-worker', 'postgres', 'temporal', 'temporal-namespace', 'temporal-schema', 'temporal-ui'].sort(),
    );
    expect(services.postgres.image).toMatch(/^postgres:\d+/);
    expect(services.temporal.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(services['temporal-schema'].image).toMatch(/^temporalio\/admin-tools:/);
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(services['lifeline-worker'].build).toBe('.');
    expect(services['lifeline-api'].image).toBe(services['lifeline-worker'].image);
  });

  it('runs Temporal on PostgreSQL with its schema set up first', () => {
    expect(services.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres', BIND_ON_IP: '0.0.0.0' });
    expect(services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
    expect(services['temporal-schema'].depends_on.postgres.condition).toBe('service_healthy');
    for (const job of ['temporal-schema', 'temporal-namespace']) {
      const script = String(services[job].command).replace('/lifeline/', 'deploy/temporal/');
      expect(existsSync(path.join(root, script))).toBe(true);
    }
    const dynamicConfig = services.temporal.environment.DYNAMIC_CONFIG_FILE_PATH.replace('config/dynamicconfig/', '');
    expect(existsSync(path.join(root, 'deploy/temporal/dynamicconfig', dynamicConfig))).toBe(true);
  });

  it('publishes the API, the Temporal UI and the frontend ports', () => {
    expect(services['lifeline-api'].ports).toContain('3000:3000');
    expect(services['temporal-ui'].ports).toContain('8080:8080');
    expect(services.temporal.ports).toContain('7233:7233');
    expect(services['temporal-ui'].environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('gives every long-running service a healthcheck and orders start-up by it', () => {
    for (const name of ['postgres', 'temporal', 'lifeline-api', 'lifeline-worker']) {
      expect(services[name].healthcheck?.test).toBeDefined();
    }
    expect(services['lifeline-worker'].depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      'temporal-namespace': { condition: 'service_completed_successfully' },
    });
    expect(services['lifeline-api'].depends_on.temporal.condition).toBe('service_healthy');
    // Every dependency names a service that exists.
    for (const service of Object.values(services)) {
      for (const dep of Object.keys(service.depends_on ?? {})) expect(services[dep]).toBeDefined();
    }
  });

  it('configures the API and the worker with values Lifeline accepts', () => {
    const vars = { LIFELINE_ADMIN_API_KEY: 'a-compose-admin-key-0123456789' };
    for (const name of ['lifeline-api', 'lifeline-worker']) {
      const env = Object.fromEntries(
        Object.entries(services[name].environment as Record<string, string>).map(([k, v]) => [k, interpolate(String(v), vars)]),
      );
      const cfg = parseConfig(env);
      expect(cfg.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(cfg.DATABASE_URL).toMatch(/@postgres:5432\/lifeline$/);
      expect(cfg.NODE_ENV).toBe('production');
    }
    expect(() => interpolate(services['lifeline-api'].environment.LIFELINE_ADMIN_API_KEY, {})).toThrow(/LIFELINE_ADMIN_API_KEY/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

  it('builds the compiled API and worker that docker-compose.yml runs', () => {
    expect(dockerfile).toMatch(/^FROM node:20[\w.-]* AS build$/m);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/cp -r db\/migrations dist\/db\/migrations/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    const commands = [services['lifeline-api'].command, services['lifeline-worker'].command].map((c: string[]) => c[1]);
    expect(commands).toEqual(['dist/api/main.js', 'dist/worker/main.js']);
    // Each COPY source exists in the repository.
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of match[1].split(' ')) expect(existsSync(path.join(root, source))).toBe(true);
    }
  });
});
