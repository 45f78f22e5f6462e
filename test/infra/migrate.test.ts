import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { persistTicketEvents } from '../../activities/ticket-events';
import { backfillTicketTargets } from '../../common/report-backfill';
import { recordTicketEvent } from '../../activities/legacy-ticket-events';
import type { LegacyTicketState } from '../../workflows/legacy/types';
import { RulesStore } from '../../common/rules';
import { relieve, respond } from '../../workflows/ticket/commands';
import { at, engineer, TicketScenario } from '../unit/workflows/fixtures';

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
      'ticket_targets',
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

  it('backfills the report facts of tickets written before 011_ticket_targets, once, as persistence writes them', async () => {
    const rules = new RulesStore(db.pool);
    const s = TicketScenario.open(
      { ticketId: 'TKT-00000000000BAC01', policyId: 'isode', plan: 'gold', severity: 'p2' },
      at('2026-03-02T09:00:00Z'),
    );
    s.ok(respond, { by: engineer }, at('2026-03-02T10:00:00Z'));
    s.ok(relieve, { by: engineer }, at('2026-03-02T15:00:00Z'));
    const snapshot = JSON.parse(JSON.stringify(s.state));
    await persistTicketEvents(
      db.pool,
      s.events.map((e, i) => ({ ...e, workflowId: `ticket-${e.ticketId}`, ...(i === s.events.length - 1 ? { snapshot } : {}) })),
      rules,
    );
    const facts = 'SELECT kind, status, met_on_time, elapsed_ms, seq FROM ticket_targets WHERE ticket_id = $1 ORDER BY kind';
    const written = (await db.pool.query(facts, [s.input.ticketId])).rows;
    expect(written).toEqual([
      { kind: 'firstResponse', status: 'met', met_on_time: true, elapsed_ms: String(3_600_000), seq: s.events.length },
      { kind: 'relief', status: 'met', met_on_time: true, elapsed_ms: String(6 * 3_600_000), seq: s.events.length },
    ]);
    // As before the migration: the tickets row and its snapshot, no facts.
    await db.pool.query('DELETE FROM ticket_targets');
    expect(await backfillTicketTargets(db.pool, rules)).toEqual({ tickets: 1 });
    expect((await db.pool.query(facts, [s.input.ticketId])).rows).toEqual(written);
    expect(await backfillTicketTargets(db.pool, rules)).toEqual({ tickets: 0 });
  });

  it('backfills a first-slice ticket (its snapshot has no targets) with its one counted row', async () => {
    const by = { kind: 'customer' as const, id: 'acme-portal' };
    const snapshot: LegacyTicketState = {
      ...{ ticketId: 'TKT-00000000000BAC02', status: 'open', customerId: 'acme', policyId: 'isode', plan: 'gold', severity: 'p3' },
      ...{
        type: 'incident',
        title: 'Old',
        description: 'first slice',
        channel: 'email',
        openedAt: '2025-06-02T09:00:00.000Z',
        openedBy: by,
        eventCount: 1,
      },
    };
    await recordTicketEvent(db.pool, {
      ...{ workflowId: 'ticket-TKT-00000000000BAC02', ticketId: snapshot.ticketId, seq: 1, type: 'opened' },
      ...{ occurredAt: snapshot.openedAt, actor: by, data: {}, snapshot },
    });
    expect(await backfillTicketTargets(db.pool, new RulesStore(db.pool))).toEqual({ tickets: 1 });
    const { rows } = await db.pool.query('SELECT kind, status, ticket_row, opened_at FROM ticket_targets WHERE ticket_id = $1', [
      snapshot.ticketId,
    ]);
    expect(rows).toEqual([{ kind: 'none', status: 'none', ticket_row: true, opened_at: new Date(snapshot.openedAt) }]);
  });
});
