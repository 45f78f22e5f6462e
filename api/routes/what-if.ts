/**
 * POST /v1/tickets/{id}/what-if: the ticket's recorded commands replayed through the pure ticket
 * machine under another plan, severity, policy version or contract terms, beside what it had; and
 * POST /v1/reports/what-if, the same for every ticket of a report. Nothing is written. See docs/architecture.md, "What-if".
 */
import { Router, type Request, type Response } from 'express';
import { RulesStore } from '../../common/rules';
import type { TicketState } from '../../workflows/ticket/contract';
import { allow } from '../auth';
import { HttpProblem, problems } from '../problem';
import { ticketEventJson, ticketEvents, ticketSnapshot } from '../read-models/tickets';
import { ReportWhatIfRequestSchema, TicketIdParamSchema, WhatIfRequestSchema } from '../schemas';
import { reportWhatIf } from '../what-if/report-what-if';
import { parse } from '../validate';
import { ticketOutcome } from '../what-if/outcome';
import type { RecordedEvent } from '../what-if/recorded-commands';
import { checkScenario, scenarioRules, type RulesScenario } from '../what-if/scenario-rules';
import { replayTicket, type WhatIfScenario } from '../what-if/ticket-what-if';
import type { RouteDeps } from './deps';
import { validated } from './policy-versions';
import { hideForeign, ticketNotFound } from './tickets-live';

/** The ticket as recorded: its latest state and its events, written together (one transaction per batch). */
async function recordedTicket(deps: RouteDeps, ticketId: string): Promise<{ state: TicketState; events: RecordedEvent[] }> {
  const [state, rows] = await Promise.all([ticketSnapshot(deps.pool, ticketId), ticketEvents(deps.pool, ticketId)]);
  if (!state) throw ticketNotFound(ticketId);
  return { state, events: rows.map(ticketEventJson) };
}

/** The draft policy validated whole, as PUT /v1/policies/{id} would; its fields named under /policy. */
function draftPolicy(policyId: string, draft: { document?: Record<string, unknown>; yaml?: string }, at = '') {
  try {
    return validated(policyId, draft)(1);
  } catch (err) {
    const errors =
      err instanceof HttpProblem ? (err.extensions.errors as Array<{ pointer: string; detail: string }> | undefined) : undefined;
    if (!errors) throw err;
    throw problems.validation(errors.map((e) => ({ ...e, pointer: `${at}/policy${e.pointer}` })));
  }
}

type WhatIfBody = ReturnType<typeof WhatIfRequestSchema.parse>;

/** The request's scenario, split into the rules it changes and the ticket fields it changes. */
function scenarioOf(body: WhatIfBody, policyId: string, at = ''): { rules: RulesScenario; scenario: WhatIfScenario } {
  return {
    rules: {
      ...(body.policyVersion !== undefined ? { policyVersion: body.policyVersion } : {}),
      ...(body.policy ? { draft: draftPolicy(policyId, body.policy, at) } : {}),
      ...(body.contractOverride ? { contractOverride: body.contractOverride } : {}),
    },
    scenario: { ...(body.plan ? { plan: body.plan } : {}), ...(body.severity ? { severity: body.severity } : {}) },
  };
}

async function whatIf(deps: RouteDeps, rules: RulesStore, req: Request, res: Response): Promise<void> {
  const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
  const body = parse(WhatIfRequestSchema, req.body, 'request body');
  const { state, events } = await recordedTicket(deps, ticketId);
  hideForeign(req.principal!, state.customerId, ticketId);
  // A first-slice ticket (before SLA targets) has no clocks to replay.
  if (!Array.isArray(state.targets)) throw problems.conflict(`ticket ${ticketId} predates SLA targets: there is nothing to replay`);
  const { rules: rulesScenario, scenario } = scenarioOf(body, state.policyId);
  const effective = await scenarioRules(deps.pool, rules, state, rulesScenario);
  checkScenario(scenario, effective.policy);
  const asOf = Date.now();
  const replayed = replayTicket(events, state, effective, scenario, asOf);
  res.json({
    ticketId,
    asOf: new Date(asOf).toISOString(),
    actual: ticketOutcome(state, events),
    whatIf: { ...ticketOutcome(replayed.state, replayed.events), skipped: replayed.skipped },
  });
}

/** POST /v1/reports/what-if: one policy's report, before and under the scenario (staff: no customer scope applies). */
async function reportWhatIfRoute(deps: RouteDeps, rules: RulesStore, req: Request, res: Response): Promise<void> {
  const body = parse(ReportWhatIfRequestSchema, req.body, 'request body');
  const { format: _format, ...report } = body.report;
  const { rules: rulesScenario, scenario } = scenarioOf(body.scenario, report.policyId!, '/scenario');
  res.json(await reportWhatIf(deps.pool, rules, report, scenario, rulesScenario, Date.now()));
}

export function whatIfRoutes(deps: RouteDeps): Router {
  const router = Router();
  const rules = new RulesStore(deps.pool);
  router.post('/tickets/:ticketId/what-if', allow('engineer'), (req, res) => whatIf(deps, rules, req, res));
  router.post('/reports/what-if', allow('engineer'), (req, res) => reportWhatIfRoute(deps, rules, req, res));
  return router;
}
