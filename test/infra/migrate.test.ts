import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(); // already migrated once
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('applies every file once, records it, and is safe to run again, even concurrently', async () => {
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const results = await Promise.all([migrate(db.pool), migrate(db.pool)]);
    for (const r of results) expect(r).toEqual({ applied: [], alreadyApplied: files });
    const { rows } = await db.pool.query('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(files);
    const tables = await db.pool.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    expect(tables.rows.map((r) => r.tablename)).toEqual([
      'api_keys',
      'command_requests',
      'contract_events',
      'contracts',
      'licences',
      'lifecycle_events',
      'notification_routes',
      'notifications',
      'policy_deletions',
      'policy_overrides',
      'policy_retirements',
      'policy_versions',
      'product_versions',
      'products',
      'schema_migrations',
      'ticket_events',
      'tickets',
      'write_failures',
    ]);
  });

  it('rolls back a failing migration whole and reports its name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-migrations-'));
    writeFileSync(path.join(dir, '001_ok.sql'), 'CREATE TABLE probe_ok (id int);');
    writeFileSync(path.join(dir, '002_broken.sql'), 'CREATE TABLE probe_half (id int); SELECT * FROM no_such_table;');
    await expect(migrate(db.pool, dir)).rejects.toThrow(/002_broken\.sql/);
    const half = await db.pool.query("SELECT to_regclass('probe_half') AS t, to_regclass('probe_ok') AS ok");
    expect(half.rows[0]).toEqual({ t: null, ok: 'probe_ok' });
    const recorded = await db.pool.query("SELECT name FROM schema_migrations WHERE name LIKE '00%_%' ORDER BY name");
    expect(recorded.rows.map((r) => r.name)).toContain('001_ok.sql');
    expect(recorded.rows.map((r) => r.name)).not.toContain('002_broken.sql');
  });
});
