/**
 * A report's what-if ("this quarter's tickets under the proposed policy version"): every ticket of
 * the report replayed under the other rules (ticket-what-if.ts), its report facts derived from the
 * replayed state, and the same report statement run over them in a temporary table beside the
 * report as it is. The transaction is rolled back: nothing is written. See docs/architecture.md, "What-if".
 */
import type { Pool } from 'pg';
import { calendarsOf } from '../../policies/calendar';
import { ticketTargetFacts } from '../../common/report-facts';
import type { EffectiveRules, RulesStore } from '../../common/rules';
import { factRow, insertFactRows } from '../../common/ticket-targets-table';
import type { TicketState } from '../../workflows/ticket/contract';
import { problems } from '../problem';
import { REPORT_WORK_MEM, reportTickets, slaReport, type SlaReportRequest } from '../read-models/reports';
import { recordedTickets } from '../read-models/what-if';
import type { SlaReport } from '../schemas/reports';
import { checkScenario, scenarioRules, type RulesScenario } from './scenario-rules';
import type { RecordedEvent } from './recorded-commands';
import { replayTicket, type WhatIfScenario } from './ticket-what-if';

/** Tickets one report what-if replays at most: a quarter of a busy desk; a longer period is asked for in parts. */
export const MAX_REPORT_WHAT_IF_TICKETS = 5_000;
const WHAT_IF_TABLE = 'whatif_ticket_targets';
const YIELD_EVERY = 100;

export interface ReportWhatIf {
  tickets: number;
  before: SlaReport;
  after: SlaReport;
  /** Recorded commands the replayed tickets refused under the other rules, per ticket. */
  skipped: Array<{ ticketId: string; command: string; at: string; reason: string }>;
}

/** The report's tickets, or a 400 when there are more than one what-if replays. */
async function ticketsOf(pool: Pool, report: SlaReportRequest): Promise<string[]> {
  const ids = await reportTickets(pool, report, MAX_REPORT_WHAT_IF_TICKETS);
  if (ids.length > MAX_REPORT_WHAT_IF_TICKETS) {
    throw problems.validation([
      { pointer: '/report/to', detail: `more than ${MAX_REPORT_WHAT_IF_TICKETS} tickets in this period: narrow the period or its filters` },
    ]);
  }
  return ids;
}

/**
 * Each ticket's facts under the other rules. The report's own columns (plan, severity) keep the
 * ticket's recorded values, so the same filters select the same tickets before and after.
 */
async function replayedFacts(pool: Pool, store: RulesStore, ids: string[], scenario: WhatIfScenario, rules: RulesScenario, asOf: number) {
  const recorded = await recordedTickets(pool, ids);
  const rulesByContract = new Map<string, EffectiveRules>();
  const rows: Array<ReturnType<typeof factRow>> = [];
  const skipped: ReportWhatIf['skipped'] = [];
  for (const [i, id] of ids.entries()) {
    // A long replay yields now and then, so the API's other requests are answered meanwhile.
    if (i > 0 && i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    const ticket = recorded.get(id);
    if (!ticket) continue;
    // A contract counts only for its own customer (scenarioRules checks it): rules are per both.
    const key = JSON.stringify([ticket.state.customerId, ticket.state.contractId ?? null]);
    let effective = rulesByContract.get(key);
    if (!effective) {
      effective = await scenarioRules(pool, store, ticket.state, rules, '/scenario');
      checkScenario(scenario, effective.policy, '/scenario');
      rulesByContract.set(key, effective);
    }
    // A first-slice ticket (no SLA targets) has nothing to replay: its facts stand as they are.
    const state = hasTargets(ticket.state) ? replayedState(ticket, effective, scenario, asOf, id, skipped) : ticket.state;
    rows.push(...ticketTargetFacts(state, calendarsOf(effective.policy)).map((f) => factRow(f, state.eventCount ?? 0)));
  }
  return { rows, skipped };
}

const hasTargets = (state: TicketState) => Array.isArray(state.targets);

/** The ticket replayed, with the report's own columns (plan, severity) as recorded; its skipped commands noted. */
function replayedState(
  ticket: { state: TicketState; events: RecordedEvent[] },
  rules: EffectiveRules,
  scenario: WhatIfScenario,
  asOf: number,
  ticketId: string,
  skipped: ReportWhatIf['skipped'],
): TicketState {
  const replayed = replayTicket(ticket.events, ticket.state, rules, scenario, asOf);
  skipped.push(...replayed.skipped.map(({ command, at, reason }) => ({ ticketId, command, at, reason })));
  return { ...replayed.state, plan: ticket.state.plan, severity: ticket.state.severity };
}

/** The report as it is and under the scenario, over the same tickets. */
export async function reportWhatIf(
  pool: Pool,
  store: RulesStore,
  report: SlaReportRequest,
  scenario: WhatIfScenario,
  rules: RulesScenario,
  asOf: number,
): Promise<ReportWhatIf> {
  const ids = await ticketsOf(pool, report);
  const { rows, skipped } = await replayedFacts(pool, store, ids, scenario, rules, asOf);
  const before = await slaReport(pool, report);
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL work_mem = '${REPORT_WORK_MEM}'`);
    await client.query(`CREATE TEMP TABLE ${WHAT_IF_TABLE} (LIKE ticket_targets) ON COMMIT DROP`);
    await insertFactRows(client, rows, WHAT_IF_TABLE);
    const after = await slaReport(client, report, WHAT_IF_TABLE);
    return { tickets: ids.length, before, after, skipped };
  } finally {
    // Nothing of a what-if is kept: its facts lived in this transaction only. A client that could
    // not roll back is discarded, not handed back to the pool.
    await client.query('ROLLBACK').catch((err: Error) => (failed = err));
    client.release(failed);
  }
}
