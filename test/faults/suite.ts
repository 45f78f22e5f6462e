/**
 * The fault suite (issue 14), run against each Temporal server: the worker killed mid-run, the
 * Temporal server restarted, PostgreSQL gone for a minute, the API restarted during an update.
 * Each fault ends with the same proof (invariants.ts): no event lost, none duplicated, every
 * warning, breach, escalation and notification once.
 */
import { DRILL } from './drill-policy';
import { expectNothingLostOrDuplicated, ticketFacts, untilSettled } from './invariants';
import { FaultStack, type TemporalKind } from './stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits, bounded, for a condition the test needs before it strikes. */
async function until(what: string, ready: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(100);
  }
}

/** A request retried on 503 after its Retry-After, bounded: what a well-behaved client does while a dependency comes back. */
async function untilAnswered(request: () => Promise<{ status: number; headers: Headers; body: any }>, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await request();
    if (answer.status !== 503 || Date.now() > deadline) return answer;
    await sleep(Number(answer.headers.get('retry-after') ?? 1) * 1000);
  }
}

/** The API killed during an update: the retry with the same Idempotency-Key changes the ticket once. */
async function apiKilledDuringUpdate(stack: FaultStack, kind: TemporalKind): Promise<void> {
  const ticketIds = await stack.openTickets(6, `api-restart-${kind}`);
  for (const [i, ticketId] of ticketIds.entries()) {
    const respond = () =>
      stack.call('POST', `/v1/tickets/${ticketId}/respond`, { message: 'On it' }, { 'Idempotency-Key': `respond-${ticketId}` });
    // Killed at a different moment each time: before the Update reached Temporal, during it, after it.
    const inFlight = respond().catch((err: Error) => err);
    await sleep(i * 40);
    await stack.killApi();
    await inFlight;
    await stack.startApi();
    const retried = await respond();
    expect([ticketId, retried.status]).toEqual([ticketId, 200]);
  }
  await untilSettled(stack, ticketIds, false, 60_000);
  const facts = await ticketFacts(stack, ticketIds);
  for (const t of facts) expect([t.ticketId, t.types.filter((type) => type === 'responded').length]).toEqual([t.ticketId, 1]);
  // Responded in time: their targets are met, never breached.
  await sleep(DRILL.responseMs);
  await expectNothingLostOrDuplicated(stack, ticketIds, false);
}

/** A worker killed (SIGKILL) with timers pending and deliveries in flight: a new worker takes over, each thing once. */
async function workerKilled(stack: FaultStack, kind: TemporalKind): Promise<void> {
  stack.setWebhookDelay(1_500); // a slow receiver: deliveries are in flight when the worker dies
  const ticketIds = await stack.openTickets(12, `worker-kill-${kind}`);
  await until('the first warning is being delivered', () => stack.deliveries.some((d) => ticketIds.includes(d.ticketId ?? '')));
  await stack.killWorker('worker-1');
  await stack.startWorker('worker-1');
  await until('the first breach is being delivered', () =>
    stack.deliveries.some((d) => ticketIds.includes(d.ticketId ?? '') && d.event === 'breached'),
  );
  await stack.killWorker('worker-2');
  await stack.startWorker('worker-2');
  stack.setWebhookDelay(0);
  await untilSettled(stack, ticketIds, true);
  await expectNothingLostOrDuplicated(stack, ticketIds, true);
}

/** The Temporal server stopped and started again: tickets and lifecycles carry on. */
async function temporalRestarted(stack: FaultStack, kind: TemporalKind): Promise<void> {
  const product = await stack.call('PUT', `/v1/products/drill-${kind}`, { name: `Drill ${kind}`, policyId: 'ispsystem', zone: 'UTC' });
  expect(product.status).toBeLessThan(300);
  const ga = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
  expect((await stack.call('POST', `/v1/products/drill-${kind}/versions`, { major: '6', ga })).status).toBe(201);
  const ticketIds = await stack.openTickets(8, `temporal-restart-${kind}`);
  await stack.temporal.stop();
  const downUntil = Date.now() + 20_000;
  // Meanwhile the API answers 503 problem+json with Retry-After at its bound (11 s here), not a 500.
  const started = Date.now();
  const read = await stack.call('GET', `/v1/tickets/${ticketIds[0]}`);
  expect([read.status, read.headers.get('content-type'), read.headers.get('retry-after')]).toEqual([
    503,
    'application/problem+json; charset=utf-8',
    '5',
  ]);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect((await stack.call('GET', '/readyz')).status).toBe(503);
  await sleep(Math.max(0, downUntil - Date.now()));
  await stack.temporal.start();
  // The lifecycle answers and takes a command after the restart, once the API has reconnected
  // (503 with Retry-After until then: the client waits and asks again, as a client should).
  const minor = await untilAnswered(() =>
    stack.call('POST', `/v1/products/drill-${kind}/versions/6/minor-releases`, { version: '6.1', kind: 'stable', releasedOn: ga }),
  );
  expect([minor.status, minor.body.minors?.at(-1)?.version]).toEqual([200, '6.1']);
  await untilSettled(stack, ticketIds, true);
  await expectNothingLostOrDuplicated(stack, ticketIds, true);
}

/** PostgreSQL gone for a minute: the API answers 503 within a bound, activities wait, nothing is lost. */
async function databaseGone(stack: FaultStack, kind: TemporalKind): Promise<void> {
  const ticketIds = await stack.openTickets(8, `database-outage-${kind}`);
  await sleep(5_000);
  await stack.stopDatabase();
  const outageEnds = Date.now() + 60_000;
  let probes = 0;
  while (Date.now() < outageEnds - 5_000) {
    const started = Date.now();
    const list = await stack.call('GET', '/v1/tickets?limit=5');
    // Bounded: the pool's 2 s connect timeout, not a hang (and not a 500).
    expect([list.status, list.headers.get('content-type'), list.headers.get('retry-after')]).toEqual([
      503,
      'application/problem+json; charset=utf-8',
      '5',
    ]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await stack.call('GET', '/readyz')).status).toBe(503);
    probes += 1;
    await sleep(5_000);
  }
  expect(probes).toBeGreaterThan(3);
  await sleep(Math.max(0, outageEnds - Date.now()));
  await stack.startDatabase();
  await untilSettled(stack, ticketIds, true);
  await expectNothingLostOrDuplicated(stack, ticketIds, true);
}

export function describeFaults(kind: TemporalKind): void {
  describe(`faults on the ${kind === 'dev' ? 'Temporal dev server' : 'Temporal server on PostgreSQL'}`, () => {
    let stack: FaultStack;

    beforeAll(async () => {
      stack = await FaultStack.start(kind);
    }, 300_000);

    afterAll(async () => {
      await stack?.stop();
    }, 120_000);

    it(
      'the API killed during an update: the retry with the same Idempotency-Key changes the ticket once',
      () => apiKilledDuringUpdate(stack, kind),
      300_000,
    );
    it(
      'a worker killed (SIGKILL) with timers pending and deliveries in flight: a new worker takes over, each thing once',
      () => workerKilled(stack, kind),
      400_000,
    );
    it('the Temporal server stopped and started again: tickets and lifecycles carry on', () => temporalRestarted(stack, kind), 400_000);
    it(
      'PostgreSQL gone for a minute: the API answers 503 within a bound, activities wait, nothing is lost',
      () => databaseGone(stack, kind),
      400_000,
    );
  });
}
