import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { DEV_ADMIN_API_KEY, type Config } from '../common/config';
import type { Actor } from '../workflows/contract';
import { problems } from './problem';

export const roles = ['customer', 'engineer', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: an API key's role, and for a customer key the one customer it may act for. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  customerId?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

// Staff roles include the powers of the ones before them; customers stand apart.
const staffRank: Record<Exclude<Role, 'customer'>, number> = { engineer: 1, manager: 2, admin: 3 };

/** Keys are 256 random bits, so a fast hash is enough: nothing to brute-force, nothing stored in clear. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export const newApiKeySchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(roles),
  customerId: z.string().trim().min(1).max(200).optional(),
});
export type NewApiKey = z.infer<typeof newApiKeySchema>;

export class ApiKeyStore {
  constructor(private readonly pool: Pool) {}

  async create(input: NewApiKey, key = `ll_${randomBytes(32).toString('base64url')}`): Promise<{ key: string; principal: Principal }> {
    if ((input.role === 'customer') !== Boolean(input.customerId)) {
      throw problems.validation([{ pointer: '/customerId', detail: 'a customer key needs a customerId; a staff key must not have one' }]);
    }
    const id = randomUUID();
    await this.pool.query('INSERT INTO api_keys (id, key_hash, name, role, customer_id) VALUES ($1, $2, $3, $4, $5)', [
      id,
      hashApiKey(key),
      input.name,
      input.role,
      input.customerId ?? null,
    ]);
    return { key, principal: { keyId: id, name: input.name, role: input.role, customerId: input.customerId } };
  }

  /**
   * Makes sure a configured bootstrap admin key exists (stored hashed, like any other key). A key
   * that was revoked stays revoked: 'revoked' tells the caller, which should say so.
   */
  async ensureAdminKey(key: string, name = 'bootstrap admin (LIFELINE_ADMIN_API_KEY)'): Promise<'created' | 'exists' | 'revoked'> {
    const inserted = await this.pool.query(
      `INSERT INTO api_keys (id, key_hash, name, role) VALUES ($1, $2, $3, 'admin') ON CONFLICT (key_hash) DO NOTHING`,
      [randomUUID(), hashApiKey(key), name],
    );
    if ((inserted.rowCount ?? 0) > 0) return 'created';
    const { rows } = await this.pool.query<{ revoked: boolean }>(
      'SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE key_hash = $1',
      [hashApiKey(key)],
    );
    return rows[0]?.revoked ? 'revoked' : 'exists';
  }

  /** The id of a key if it is present and not revoked. */
  async activeId(key: string): Promise<string | undefined> {
    return (await this.find(key))?.keyId;
  }

  async find(key: string): Promise<Principal | undefined> {
    const { rows } = await this.pool.query<{ id: string; name: string; role: Role; customer_id: string | null }>(
      'SELECT id, name, role, customer_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hashApiKey(key)],
    );
    const row = rows[0];
    return row && { keyId: row.id, name: row.name, role: row.role, customerId: row.customer_id ?? undefined };
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
    return (result.rowCount ?? 0) > 0;
  }
}

function presentedKey(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  return req.get('x-api-key') ?? undefined;
}

/**
 * The admin key `npm run dev` ensures: LIFELINE_ADMIN_API_KEY, else the well-known development key,
 * but that one only in the embedded PostgreSQL `npm run dev` started itself (never in a database
 * DATABASE_URL names, which production may share). Throws when told to put the development key elsewhere.
 */
export function devBootstrapKey(cfg: Pick<Config, 'NODE_ENV' | 'LIFELINE_ADMIN_API_KEY'>, embeddedDatabase: boolean): string | undefined {
  if (cfg.LIFELINE_ADMIN_API_KEY === DEV_ADMIN_API_KEY && !embeddedDatabase) {
    throw new Error(
      `LIFELINE_ADMIN_API_KEY is the well-known development key (${DEV_ADMIN_API_KEY}), which is only ever put into the embedded database npm run dev starts; choose a key of your own for the database DATABASE_URL names`,
    );
  }
  if (cfg.LIFELINE_ADMIN_API_KEY) return cfg.LIFELINE_ADMIN_API_KEY;
  return embeddedDatabase && cfg.NODE_ENV !== 'production' ? DEV_ADMIN_API_KEY : undefined;
}

/**
 * Why a production process must not start, or undefined: the development admin key configured
 * (the configuration refuses that too) or present and active in the database.
 */
export async function devKeyRefusal(cfg: Pick<Config, 'NODE_ENV' | 'LIFELINE_ADMIN_API_KEY'>, pool: Pool): Promise<string | undefined> {
  if (cfg.NODE_ENV !== 'production') return undefined;
  if (cfg.LIFELINE_ADMIN_API_KEY === DEV_ADMIN_API_KEY) {
    return `LIFELINE_ADMIN_API_KEY is the well-known development key (${DEV_ADMIN_API_KEY}); refusing to run in production`;
  }
  const id = await new ApiKeyStore(pool).activeId(DEV_ADMIN_API_KEY);
  if (!id) return undefined;
  return (
    `the well-known development admin key (${DEV_ADMIN_API_KEY}) is active in this database (api_keys id ${id}); ` +
    `refusing to run in production. Revoke it (UPDATE api_keys SET revoked_at = now() WHERE id = '${id}') and start again`
  );
}

/** Requires a valid API key (`Authorization: Bearer <key>` or `X-API-Key`). */
export function authenticate(store: ApiKeyStore): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const key = presentedKey(req);
    if (!key) {
      res.set('WWW-Authenticate', 'Bearer realm="lifeline"');
      return next(problems.unauthenticated('Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".'));
    }
    store.find(key).then((principal) => {
      if (!principal) {
        res.set('WWW-Authenticate', 'Bearer realm="lifeline", error="invalid_token"');
        return next(problems.unauthenticated('The API key is unknown or has been revoked.'));
      }
      req.principal = principal;
      next();
    }, next);
  };
}

/** Allows the listed roles; a staff role also allows the staff roles above it. */
/** Whether a key of `role` passes allow(...allowed): a customer only where customers are named, staff by rank. */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return allowed.some((r) => (r === 'customer' || role === 'customer' ? r === role : staffRank[role] >= staffRank[r]));
}

export function allow(...allowed: Role[]): RequestHandler {
  return (req, _res, next) => {
    const p = req.principal;
    if (!p) return next(problems.unauthenticated('No API key was presented.'));
    const ok = roleAllows(p.role, allowed);
    if (!ok) return next(problems.forbidden(`This operation needs one of the roles: ${allowed.join(', ')}.`));
    next();
  };
}

/** A customer key may only act for its own customer. */
export function assertCustomerScope(principal: Principal, customerId: string): void {
  if (principal.role === 'customer' && principal.customerId !== customerId) {
    throw problems.forbidden("A customer API key can only act on its own customer's tickets.");
  }
}

/** The actor a request's principal is recorded as on workflow events. */
export function actorOf(principal: Principal): Actor {
  return { kind: principal.role, id: principal.keyId };
}
