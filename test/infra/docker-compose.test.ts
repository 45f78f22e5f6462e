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
      [
        'grafana',
        'lifeline-api',
        'lifeline-worker',
        'postgres',
        'prometheus',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-ui',
      ].sort(),
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

/** A service's `./host:container[:ro]` bind mounts, as host paths in the repository and container paths. */
function mounts(service: string): Array<{ host: string; container: string; readOnly: boolean }> {
  return (services[service].volumes as string[])
    .filter((v) => v.startsWith('./'))
    .map((v) => {
      const [host, container, mode] = v.split(':');
      return { host: path.join(root, host), container, readOnly: mode === 'ro' };
    });
}

/** The repository file a container path of `service` reads, through its bind mounts. */
function hostPath(service: string, containerPath: string): string | undefined {
  const m = mounts(service).find((x) => containerPath === x.container || containerPath.startsWith(`${x.container}/`));
  return m && path.join(m.host, path.relative(m.container, containerPath));
}

describe('docker-compose.yml monitoring', () => {
  /** A service's configuration as Lifeline parses it from its compose environment. */
  const cfgOf = (service: string) =>
    parseConfig(
      Object.fromEntries(
        Object.entries(services[service].environment as Record<string, string>).map(([k, v]) => [
          k,
          interpolate(String(v), { LIFELINE_ADMIN_API_KEY: 'a-compose-admin-key-0123456789' }),
        ]),
      ),
    );

  it('runs pinned Prometheus and Grafana images on ports 9090 and 3001, their files mounted read-only', () => {
    expect(services.prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(services.grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(services.prometheus.ports).toContain('9090:9090');
    expect(services.grafana.ports).toContain('3001:3000');
    for (const name of ['prometheus', 'grafana']) {
      expect(mounts(name).length).toBeGreaterThan(0);
      for (const m of mounts(name)) {
        expect(existsSync(m.host)).toBe(true);
        expect(m.readOnly).toBe(true);
      }
    }
    const configFlag = (services.prometheus.command as string[]).find((c) => c.startsWith('--config.file='))!;
    expect(existsSync(hostPath('prometheus', configFlag.slice('--config.file='.length))!)).toBe(true);
  });

  it('scrapes the API, the worker and the SDK metrics where compose runs them', () => {
    const prometheus = parse(readFileSync(path.join(root, 'deploy/prometheus/prometheus.yml'), 'utf8'));
    const targets = Object.fromEntries(
      (prometheus.scrape_configs as Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }>).map(
        (job) => [job.job_name, { path: job.metrics_path ?? '/metrics', targets: job.static_configs.flatMap((c) => c.targets) }],
      ),
    );
    const api = cfgOf('lifeline-api');
    const worker = cfgOf('lifeline-worker');
    expect(worker.WORKER_METRICS_HOST).toBe('0.0.0.0');
    expect(targets).toEqual({
      'lifeline-api': { path: '/metrics', targets: [`lifeline-api:${api.PORT}`] },
      'lifeline-worker': { path: '/metrics', targets: [`lifeline-worker:${worker.WORKER_METRICS_PORT}`] },
      'lifeline-worker-sdk': { path: '/metrics', targets: [`lifeline-worker:${worker.WORKER_SDK_METRICS_PORT}`] },
    });
    for (const job of Object.values(targets)) for (const t of job.targets) expect(services[t.split(':')[0]]).toBeDefined();
    // Only the worker's metrics: the API keeps its own environment.
    expect(services['lifeline-api'].environment.WORKER_METRICS_PORT).toBeUndefined();
  });

  it('provisions Grafana with the compose Prometheus and the Lifeline dashboard from the mounted folder', () => {
    const provisioning = hostPath('grafana', '/etc/grafana/provisioning')!;
    const datasources = parse(readFileSync(path.join(provisioning, 'datasources/prometheus.yml'), 'utf8'));
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
    const providers = parse(readFileSync(path.join(provisioning, 'dashboards/lifeline.yml'), 'utf8')).providers as Array<{
      options: { path: string };
    }>;
    expect(providers).toHaveLength(1);
    const dashboards = hostPath('grafana', providers[0].options.path)!;
    expect(dashboards).toBe(path.join(root, 'deploy/grafana/dashboards'));
    expect(existsSync(path.join(dashboards, 'lifeline.json'))).toBe(true);
    expect(hostPath('grafana', services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH)).toBe(
      path.join(dashboards, 'lifeline.json'),
    );
    // Viewers need no login; the admin password comes from the environment, with a default.
    expect(services.grafana.environment).toMatchObject({ GF_AUTH_ANONYMOUS_ENABLED: 'true', GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer' });
    expect(interpolate(services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD, { GRAFANA_ADMIN_PASSWORD: 's3cret' })).toBe('s3cret');
    expect(interpolate(services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD, {})).toBe('admin');
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
