import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { startTimeSkippingEnvironment } from '../../scripts/temporal-servers';
import type { longSleeper } from '../fixtures/workflows';

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await startTimeSkippingEnvironment();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps ten simulated years to completion', async () => {
    const wakes: Array<{ workflowTime: string; runs: number }> = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'ten-years',
      workflowsPath: require.resolve('../fixtures/workflows'),
      activities: { recordWake: async (wake: { workflowTime: string; runs: number }) => void wakes.push(wake) },
    });
    const now = await env.currentTimeMs();
    const until = DateTime.fromMillis(now, { zone: 'utc' }).plus({ years: 10 }).toMillis();
    const segment = DateTime.fromMillis(0, { zone: 'utc' }).plus({ years: 4 }).toMillis();

    const result = await worker.runUntil(
      env.client.workflow.execute<typeof longSleeper>('longSleeper', {
        taskQueue: 'ten-years',
        workflowId: `sleeper-${now}`,
        args: [until, segment],
      }),
    );

    // Woke at the instant asked for, ten calendar years on, after three runs of at most four years.
    expect(Date.parse(result.wokeAt)).toBeGreaterThanOrEqual(until);
    expect(Date.parse(result.wokeAt) - until).toBeLessThan(60_000);
    expect(result.runs).toBe(3);
    expect(wakes).toEqual([{ workflowTime: result.wokeAt, runs: 3 }]);
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(until);
  });
});
