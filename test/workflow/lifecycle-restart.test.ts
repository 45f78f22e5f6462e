import { randomBytes } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createLifelineWorker } from '../../worker/worker';
import type { LifecycleState } from '../../workflows/lifecycle/contract';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { sec, skipTo } from './ticket-helpers';
import { lifecycleEvents, monthsFromNow, plusMonths, startOfDay, startVersion, untilLifecycle } from './lifecycle-helpers';

const ZONE = 'Asia/Novosibirsk';
const startOfNextDay = (date: string) => new Date(Date.parse(startOfDay(ZONE, date)) + 86_400_000).toISOString();

describe('a lifecycle across worker restarts', () => {
  let ll: RunningLifeline;

  beforeAll(async () => {
    ll = await startLifeline();
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('a worker stopped in the middle of a multi-year sleep: a new one finishes the lifecycle, nothing sent twice or late', async () => {
    const taskQueue = `lifecycle-restart-${randomBytes(4).toString('hex')}`;
    const newWorker = () =>
      createLifelineWorker({
        connection: ll.env.nativeConnection,
        namespace: ll.env.namespace ?? 'default',
        taskQueue,
        activities: createActivities({ pool: ll.db.pool }),
        // Without a cache the worker holds no sticky long poll, which the test server would keep open for minutes on shutdown.
        overrides: { shutdownForceTime: '2s', maxCachedWorkflows: 0 },
      });
    const first = await newWorker();
    const firstRun = first.run();

    const ga = await monthsFromNow(ll, ZONE, 1, 1);
    const handle = await startVersion(
      ll,
      { product: 'vipnet-client', productName: 'ViPNet Client', major: '4', ga, zone: ZONE },
      { taskQueue },
    );
    await untilLifecycle(handle, (s) => s.seq >= 1);
    await skipTo(ll.env, new Date(Date.parse(startOfDay(ZONE, plusMonths(ga, 12)))).toISOString());
    await untilLifecycle(handle, (s) => s.phase === 'mainstream');

    // The worker goes away while the workflow sleeps towards its EOMS notice, 30 months ahead.
    first.shutdown();
    await firstRun;
    await skipTo(ll.env, startOfDay(ZONE, plusMonths(ga, 30)));

    const second = await newWorker();
    const secondRun = second.run();
    try {
      await skipTo(ll.env, startOfNextDay(plusMonths(ga, 60)));
      const s: LifecycleState = await untilLifecycle(handle, (x) => x.phase === 'endOfLife');
      expect(s.milestones).toMatchObject({ eoms: plusMonths(ga, 48), eol: plusMonths(ga, 60) });
      const events = await lifecycleEvents(ll, handle.workflowId);
      expect(events.filter((e) => e.type === 'noticeSent').map((e) => [e.data.milestone, sec(e.at), e.data.late])).toEqual([
        ['eoms', sec(startOfDay(ZONE, plusMonths(ga, 42))), false],
        ['eol', sec(startOfDay(ZONE, plusMonths(ga, 54))), false],
      ]);
      expect(events.filter((e) => e.type === 'milestoneReached').map((e) => [e.data.milestone, sec(e.at)])).toEqual([
        ['ga', sec(startOfDay(ZONE, ga))],
        ['eoms', sec(startOfNextDay(plusMonths(ga, 48)))],
        ['eol', sec(startOfNextDay(plusMonths(ga, 60)))],
      ]);
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, await handle.fetchHistory(), handle.workflowId);
    } finally {
      second.shutdown();
      await secondRun;
    }
  });
});
