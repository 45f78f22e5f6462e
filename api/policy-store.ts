/**
 * What this API process knows of stored policies: the latest version of each, published to
 * policies/registry.ts so `policyById` (validation, previews, openings) sees them. Refreshed after
 * a write here, and checked at most once a second against the store's fingerprint, so several API
 * processes agree within a second.
 */
import type { RequestHandler } from 'express';
import type { Pool } from 'pg';
import type { Logger } from '../common/logger';
import { loadPolicy, publishStoredPolicies, type StoredPolicy } from '../policies/index';
import { latestPolicyVersions, policyStoreMark, retiredPolicyIds } from './read-models/policy-versions';

const CHECK_EVERY_MS = 1_000;

export class PolicyStore {
  private mark = '';
  private checkedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  /** Loads the latest versions now; a stored document today's schema refuses is left out, loudly. */
  async refresh(): Promise<void> {
    const mark = await policyStoreMark(this.pool);
    const entries: StoredPolicy[] = [];
    for (const row of await latestPolicyVersions(this.pool)) {
      try {
        entries.push({ policy: loadPolicy(row.document), version: row.version, retired: row.retired });
      } catch (err) {
        this.logger.error({ err: (err as Error).message, version: row.version }, 'a stored policy no longer loads; it is left out');
      }
    }
    publishStoredPolicies(entries, await retiredPolicyIds(this.pool));
    this.mark = mark;
    this.checkedAt = Date.now();
  }

  /** Before a request: the store is checked if a second has passed; a change reloads it. */
  middleware(): RequestHandler {
    return (_req, _res, next) => {
      if (Date.now() - this.checkedAt < CHECK_EVERY_MS) return next();
      this.refreshing ??= this.check().finally(() => (this.refreshing = undefined));
      this.refreshing.then(() => next(), next);
    };
  }

  private async check(): Promise<void> {
    const mark = await policyStoreMark(this.pool);
    if (mark !== this.mark) await this.refresh();
    this.checkedAt = Date.now();
  }
}
