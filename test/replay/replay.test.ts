import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

// Recorded histories of earlier workflow code must replay on today's code: a change that running
// workflows have already taken needs patched() (docs/architecture.md, "Changing workflow code").
// Each file in test/histories/ is one history in binary protobuf (the SDK's JSON helpers trip over
// jest's duplicated protobufjs).
const dir = path.join(__dirname, '../histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.binpb'));

describe('replay of recorded histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
    expect(history.events?.length).toBeGreaterThan(5);
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, file.replace(/\.binpb$/, '')),
    ).resolves.toBeUndefined();
  });
});
