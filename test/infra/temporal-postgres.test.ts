/**
 * Lifeline on the production-shaped Temporal server: go.temporal.io/server 1.29.1 on its own
 * PostgreSQL (scripts/temporal-postgres.ts), a real worker, tickets through the API over HTTP. The
 * server is stopped and started again under a running ticket, and a second start over the same
 * data directory finds the schemas and the ticket. Nothing is skipped: when the binaries cannot be
 * resolved (tool cache, or a go install), the set-up fails with the reason.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { freePort } from '../../scripts/ports';
import { startPostgresTemporal } from '../../scripts/temporal-postgres';
import { call, startLifeline, type PostgresTemporalEnv, type RunningLifeline } from '../helpers/lifeline';

jest.setTimeout(240_000);

const ticketBody = {
  customerId: 'acme',
  policyId: 'isode',
  plan: 'gold',
  severity: 'p1',
  title: 'Mail relay down',
  description: 'No outbound mail since 09:10.',
  product: 'M-Switch',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stderr.write(`[temporal-postgres.test] ${line}\n`);

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The local addresses (hex, as /proc/net/tcp writes them) a process listens on. */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target = '';
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]!);
  }
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9]!)) found.push(cols[1]!.split(':')[0]!);
    }
  }
  return found;
}

/** Proportional memory (PSS, shared pages split among their users) in MiB of a process and, with `children`, its direct children (PostgreSQL's backends). */
function pssMiB(pid: number, children = false): number {
  const pss = (p: number) => Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  let kb = pss(pid);
  if (children) {
    for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) kb += pss(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
  }
  return Math.round(kb / 1024);
}

function rssMiB(pid: number): number {
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${ms / 1000} s`);
    await sleep(250);
  }
}

describe('Lifeline on the Temporal server backed by PostgreSQL', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-temporal-pg-test-'));
  let ll: RunningLifeline<PostgresTemporalEnv> | undefined;
  let ticketId: string;

  beforeAll(async () => {
    const started = Date.now();
    ll = await startLifeline({ temporal: 'postgres', temporalDataDir: dataDir, temporalLog: say });
    say(`Temporal on PostgreSQL and Lifeline started in ${Date.now() - started} ms`);
    // On a fresh machine this builds the server first (go install, 5 to 10 minutes on 2 cores).
  }, 20 * 60_000);

  afterAll(async () => {
    await ll?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sets its schemas up as the temporal role, and listens on 127.0.0.1 only', async () => {
    const t = ll!.env.temporal;
    expect(t.schema).toEqual({ temporal: 'created', visibility: 'created' });
    expect(t.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(t.namespace).toBe('default');
    for (const pid of [t.serverPid!, t.postgresPid!]) {
      const addresses = listeningAddresses(pid);
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.every((a) => a === '0100007F')).toBe(true);
    }
    // The server's role: not a superuser, cannot create databases, owns Temporal's two.
    const password = readFileSync(path.join(dataDir, 'temporal-role.password'), 'utf8').trim();
    const pg = new PgClient({ host: '127.0.0.1', port: t.postgresPort, user: 'temporal', password, database: 'temporal' });
    await pg.connect();
    try {
      const role = await pg.query("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'temporal'");
      expect(role.rows[0]).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false });
      const owned = await pg.query(
        "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = 'temporal' ORDER BY datname",
      );
      expect(owned.rows.map((r: { datname: string }) => r.datname)).toEqual(['temporal', 'temporal_visibility']);
    } finally {
      await pg.end();
    }
    const config = readFileSync(path.join(dataDir, 'config', 'lifeline.yaml'), 'utf8');
    expect(config).toMatch(/user: temporal\n/);
    expect(config).not.toMatch(/user: (lifeline|postgres)\b/);
  });

  it('runs a ticket through the API, filterable by its search attributes', async () => {
    const opened = await call(ll!.url, 'POST', '/v1/tickets', { key: ll!.adminKey, body: ticketBody });
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
    const live = await call(ll!.url, 'GET', `/v1/tickets/${ticketId}`, { key: ll!.adminKey });
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ ticketId, status: 'open', title: ticketBody.title });
    // PostgreSQL visibility with Lifeline's custom search attributes.
    const listed = await until('the ticket listed by TicketStatus', async () => {
      for await (const wf of ll!.env.client.workflow.list({ query: `TicketStatus = "open" AND CustomerId = "acme"` })) {
        if (wf.workflowId === `ticket-${ticketId}`) return wf;
      }
      return undefined;
    });
    expect(listed.status.name).toBe('RUNNING');
  });

  it('keeps the ticket across a stop and start of the Temporal server, and closes it', async () => {
    const t = ll!.env.temporal;
    const before = t.serverPid!;
    await t.stopServer();
    expect(t.serverPid).toBeUndefined();
    expect(alive(before)).toBe(false);
    expect(alive(t.postgresPid)).toBe(true);
    let phase = Date.now();
    const down = await call(ll!.url, 'GET', `/v1/tickets/${ticketId}`, { key: ll!.adminKey });
    expect(down.status).toBeGreaterThanOrEqual(500);
    say(`the API answered ${down.status} with the server down, in ${Date.now() - phase} ms`);

    phase = Date.now();
    await t.startServer();
    say(`server restarted in ${Date.now() - phase} ms`);
    phase = Date.now();
    expect(t.serverPid).not.toBe(before);
    const live = await until('the ticket answering after the restart', async () => {
      const r = await call(ll!.url, 'GET', `/v1/tickets/${ticketId}`, { key: ll!.adminKey });
      return r.status === 200 ? r : undefined;
    });
    expect(live.body).toMatchObject({ ticketId, status: 'open' });
    say(`the ticket answered again ${Date.now() - phase} ms after the restart`);
    const closed = await call(ll!.url, 'POST', `/v1/tickets/${ticketId}/close`, {
      key: ll!.adminKey,
      body: { reason: 'Mail flows again' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'Mail flows again' });
    // A second ticket after the restart, so the memory figures below are after real work.
    const second = await call(ll!.url, 'POST', '/v1/tickets', { key: ll!.adminKey, body: { ...ticketBody, title: 'Second' } });
    expect(second.status).toBe(201);
    say(
      `memory after the tickets: Temporal server RSS ${rssMiB(t.serverPid!)} MiB (PSS ${pssMiB(t.serverPid!)} MiB); ` +
        `its PostgreSQL PSS ${pssMiB(t.postgresPid!, true)} MiB (postmaster and backends; postmaster RSS ${rssMiB(t.postgresPid!)} MiB)`,
    );
  });

  it('stops every process it started, and a second start over the same data, with the UI, reuses the schemas and keeps the ticket', async () => {
    const t = ll!.env.temporal;
    const pids = [t.serverPid, t.postgresPid];
    let phase = Date.now();
    await ll!.stop();
    say(`Lifeline and Temporal stopped in ${Date.now() - phase} ms`);
    phase = Date.now();
    ll = undefined;
    for (const pid of pids) expect(alive(pid)).toBe(false);

    const uiPort = await freePort();
    const again = await startPostgresTemporal({ dataDir, uiPort });
    const againPids = [again.serverPid, again.postgresPid, again.uiPid];
    say(`second start over the same data in ${Date.now() - phase} ms`);
    try {
      expect(again.schema).toEqual({ temporal: 'reused', visibility: 'reused' });
      // The Temporal UI server, pointed at this frontend, lists the ticket's workflow.
      expect(again.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
      expect(listeningAddresses(again.uiPid!).every((a) => a === '0100007F')).toBe(true);
      const page = await fetch(`${again.uiUrl}/namespaces/default/workflows`);
      expect(page.status).toBe(200);
      const listed = await until('the UI listing the ticket', async () => {
        const r = await fetch(
          `${again.uiUrl}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId = "ticket-${ticketId}"`)}`,
        );
        const body = (await r.json()) as { executions?: Array<{ execution: { workflowId: string } }> };
        return body.executions?.length ? body.executions : undefined;
      });
      expect(listed[0]!.execution.workflowId).toBe(`ticket-${ticketId}`);
      const connection = await Connection.connect({ address: again.address });
      try {
        const described = await connection.workflowService.describeWorkflowExecution({
          namespace: again.namespace,
          execution: { workflowId: `ticket-${ticketId}` },
        });
        expect(described.workflowExecutionInfo?.execution?.workflowId).toBe(`ticket-${ticketId}`);
      } finally {
        await connection.close();
      }
    } finally {
      await again.stop();
    }
    for (const pid of againPids) expect(alive(pid)).toBe(false);
  });
});
