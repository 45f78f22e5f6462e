import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Lifeline's configuration: parsed once from the environment, with defaults that make
 * `npm run dev` work with nothing set. A bad value stops the process with a message naming
 * the variable and what it expected.
 */

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected one of true, false, 1, 0, yes, no' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ message: 'expected a port number' })
  .int('expected a whole number')
  .min(0, 'expected a port between 0 and 65535')
  .max(65535, 'expected a port between 0 and 65535');

/** A port to listen on, or `0` / `off` to listen nowhere (undefined). */
const portOrOff = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx): number | undefined => {
      const value = v?.trim().toLowerCase();
      if (value === undefined) return fallback;
      if (value === 'off' || value === '0') return undefined;
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
        ctx.addIssue({ code: 'custom', message: 'expected a port between 1 and 65535, or 0 or off to switch it off' });
        return z.NEVER;
      }
      return Number(value);
    });

/** A request count per rate-limit window; 0 switches that limit off. */
const limit = z.coerce
  .number({ message: 'expected a whole number of requests (0 switches the limit off)' })
  .int('expected a whole number of requests (0 switches the limit off)')
  .min(0, 'expected 0 (off) or more requests');

/** A duration in milliseconds, within bounds. */
const millis = (min: number, max: number) =>
  z.coerce
    .number({ message: `expected a number of milliseconds between ${min} and ${max}` })
    .int(`expected a whole number of milliseconds between ${min} and ${max}`)
    .min(min, `expected a number of milliseconds between ${min} and ${max}`)
    .max(max, `expected a number of milliseconds between ${min} and ${max}`);

/** The development admin key `npm run dev` puts into its own embedded database, and nowhere else. */
export const DEV_ADMIN_API_KEY = 'lifeline-dev-admin-key';

const proxyNames = ['loopback', 'linklocal', 'uniquelocal'];
const isProxyAddress = (entry: string) => {
  if (proxyNames.includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

/**
 * Which proxies' X-Forwarded-* headers to believe (Express's `trust proxy`): none by default; a
 * hop count, or the proxies' addresses, subnets and names. `true` (every proxy) is refused: any
 * client could then choose its own address and escape the per-address limits.
 */
const trustProxy = z
  .string()
  .optional()
  .transform((v, ctx): false | number | string[] => {
    const value = v?.trim().toLowerCase();
    if (value === undefined || value === '' || value === 'false' || value === '0') return false;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((e) => e.trim());
    if (value === 'true' || entries.some((e) => !isProxyAddress(e))) {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected false, a hop count (1, 2, …) or the proxies: addresses, subnets (10.0.0.0/8) or loopback, linklocal, uniquelocal, comma-separated (never true: every client could choose its address)',
      });
      return z.NEVER;
    }
    return entries;
  });

/** The public base URL of the API: http(s), no query or fragment; kept without a trailing slash. */
const baseUrl = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    let url: URL;
    try {
      url = new URL(v.trim());
    } catch {
      url = new URL('invalid:');
    }
    if (!['http:', 'https:'].includes(url.protocol) || !url.host || url.search || url.hash || url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected an http(s) URL without query, fragment or credentials, e.g. https://lifeline.example.com',
      });
      return z.NEVER;
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'expected host:port, e.g. 127.0.0.1:7233')
      .default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('lifeline'),
    TEMPORAL_API_KEY: optionalString,
    TEMPORAL_TLS: booleanString.optional(),
    TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
    TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
    TEMPORAL_TLS_SERVER_NAME: optionalString,
    TEMPORAL_UI_URL: z.url({ message: 'expected a URL' }).default('http://127.0.0.1:8233'),
    /** The most an API request waits on Temporal in all (above the 10 s opening wait); then 503. */
    TEMPORAL_REQUEST_TIMEOUT_MS: millis(11_000, 600_000).default(15_000),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    /** How long to wait for a PostgreSQL connection (new, or from a busy pool) before answering 503. */
    DATABASE_CONNECT_TIMEOUT_MS: millis(100, 60_000).default(2_000),
    /** The longest a statement may run (server-side statement_timeout; the client gives up 1 s later). */
    DATABASE_QUERY_TIMEOUT_MS: millis(100, 3_600_000).default(10_000),
    LIFELINE_DATA_DIR: z.string().min(1).default('.data'),
    LIFELINE_ADMIN_API_KEY: z.string().min(16, 'expected an API key of at least 16 characters').optional(),
    /** Where clients reach the API: the base of the links in the published feed (never the request's Host). */
    PUBLIC_BASE_URL: baseUrl,
    TRUST_PROXY: trustProxy,
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    /** Requests per window from one client address, on every route. */
    RATE_LIMIT_PER_ADDRESS: limit.default(600),
    /** Requests per window with one API key. */
    RATE_LIMIT_PER_KEY: limit.default(300),
    /** Refused API keys (401) per window from one client address; past it, that address is refused every key until the window ends. */
    RATE_LIMIT_AUTH_FAILURES: limit.default(20),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
      .optional(),
    // `npm run dev` only: where it starts its own Temporal dev server, UI and PostgreSQL.
    DEV_TEMPORAL_PORT: port.default(7233),
    DEV_TEMPORAL_UI_PORT: port.default(8233),
    DEV_POSTGRES_PORT: port.default(54329),
    /** Where the worker serves its own Prometheus metrics (GET /metrics); 127.0.0.1 unless a scraper elsewhere needs it. */
    WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    WORKER_METRICS_PORT: portOrOff(9464),
    /** The Temporal SDK's own worker metrics (Core's Prometheus exporter), on a port of their own. */
    WORKER_SDK_METRICS_PORT: portOrOff(9465),
    NOTIFY_FROM: z.string().min(3).default('Lifeline <support@localhost>'),
    /** Signs webhook notifications (HMAC-SHA256) whose route has no secret of its own. */
    WEBHOOK_SECRET: z.string().min(16, 'expected a secret of at least 16 characters').optional(),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.NODE_ENV === 'production' && cfg.LIFELINE_ADMIN_API_KEY === DEV_ADMIN_API_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['LIFELINE_ADMIN_API_KEY'],
        message: `is the well-known development key (${DEV_ADMIN_API_KEY}); a production start needs a secret of its own (e.g. openssl rand -hex 32)`,
      });
    }
    const certPair = [cfg.TEMPORAL_TLS_CLIENT_CERT_PATH, cfg.TEMPORAL_TLS_CLIENT_KEY_PATH];
    if (certPair.filter(Boolean).length === 1) {
      ctx.addIssue({
        code: 'custom',
        path: [cfg.TEMPORAL_TLS_CLIENT_CERT_PATH ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH'],
        message: 'expected both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (mutual TLS), or neither',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** The public base URL: PUBLIC_BASE_URL, else where this process listens (loopback for a wildcard HOST). */
export function publicBaseUrl(cfg: Pick<Config, 'PUBLIC_BASE_URL' | 'HOST' | 'PORT'>): string {
  if (cfg.PUBLIC_BASE_URL) return cfg.PUBLIC_BASE_URL;
  const host = cfg.HOST === '0.0.0.0' || cfg.HOST === '::' ? '127.0.0.1' : cfg.HOST;
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${cfg.PORT}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; expected: string }>) {
    super('Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.expected}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses the given environment; throws ConfigError naming every bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  // An empty variable means "unset", as in most twelve-factor apps.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        expected: issue.message,
      })),
    );
  }
  return Object.freeze(result.data);
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** For entry points: parse the configuration or stop the process with a clear message. */
export function configOrExit(): Config {
  try {
    return config();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
