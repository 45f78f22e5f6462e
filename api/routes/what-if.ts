/**
 * POST /v1/tickets/{id}/what-if: the ticket's recorded commands replayed through the pure ticket
 * machine under another plan, severity, policy version or contract terms, beside what it had.
 * Nothing is written. See docs/architecture.md, "What-if".
 */
import { Router, type Request, type Response } from 'express';
import { RulesStore } from '../../common/rules';
import type { TicketState } from '../../workflows/ticket/contract';
import { allow } from '../auth';
import { HttpProblem, problems } from '../problem';
import { ticketEventJson, ticketEvents, ticketSnapshot } from '../read-models/tickets';
import { TicketIdParamSchema, WhatIfRequestSchema } from '../schemas';
import { parse } from '../validate';
import { ticketOutcome } from '../what-if/outcome';
import type { RecordedEvent } from '../what-if/recorded-commands';
import { scenarioRules, type RulesScenario } from '../what-if/scenario-rules';
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

/** A plan or severity the ticket's policy does not have, named at its field. */
function checkScenario(scenario: WhatIfScenario, policy: { plans: Array<{ id: string }>; severities: Array<{ id: string }> }): void {
  const errors = [];
  if (scenario.plan !== undefined && !policy.plans.some((p) => p.id === scenario.plan)) {
    errors.push({
      pointer: '/plan',
      detail: `unknown plan "${scenario.plan}"; expected one of ${policy.plans.map((p) => p.id).join(', ')}`,
    });
  }
  if (scenario.severity !== undefined && !policy.severities.some((s) => s.id === scenario.severity)) {
    errors.push({
      pointer: '/severity',
      detail: `unknown severity "${scenario.severity}"; expected one of ${policy.severities.map((s) => s.id).join(', ')}`,
    });
  }
  if (errors.length) throw problems.validation(errors);
}

/** The draft policy validated whole, as PUT /v1/policies/{id} would; its fields named under /policy. */
function draftPolicy(policyId: string, draft: { document?: Record<string, unknown>; yaml?: string }) {
  try {
    return validated(policyId, draft)(1);
  } catch (err) {
    const errors =
      err instanceof HttpProblem ? (err.extensions.errors as Array<{ pointer: string; detail: string }> | undefined) : undefined;
    if (!errors) throw err;
    throw problems.validation(errors.map((e) => ({ ...e, pointer: `/policy${e.pointer}` })));
  }
}

async function whatIf(deps: RouteDeps, rules: RulesStore, req: Request, res: Response): Promise<void> {
  const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
  const body = parse(WhatIfRequestSchema, req.body, 'request body');
  const { state, events } = await recordedTicket(deps, ticketId);
  hideForeign(req.principal!, state.customerId, ticketId);
  const rulesScenario: RulesScenario = {
    ...(body.policyVersion !== undefined ? { policyVersion: body.policyVersion } : {}),
    ...(body.policy ? { draft: draftPolicy(state.policyId, body.policy) } : {}),
    ...(body.contractOverride ? { contractOverride: body.contractOverride } : {}),
  };
  const effective = await scenarioRules(deps.pool, rules, state, rulesScenario);
  const scenario: WhatIfScenario = { ...(body.plan ? { plan: body.plan } : {}), ...(body.severity ? { severity: body.severity } : {}) };
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

export function whatIfRoutes(deps: RouteDeps): Router {
  const router = Router();
  const rules = new RulesStore(deps.pool);
  router.post('/tickets/:ticketId/what-if', allow('engineer'), (req, res) => whatIf(deps, rules, req, res));
  return router;
}
