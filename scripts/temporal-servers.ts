/** Starts Temporal for development and tests with the binaries resolved by temporal-binaries.ts. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SearchAttributeKey, SearchAttributeType } from '@temporalio/common/lib/search-attributes';
import { ensureSearchAttributes } from '../common/temporal';
import { lifelineSearchAttributes } from '../workflows/search-attributes';
import { missingBinaryError, resolveTemporalCli, resolveTestServer, type ProgressLog } from './temporal-binaries';

/** Time-skipping test server (Java), with Lifeline's search attributes registered. */
export async function startTimeSkippingEnvironment(log?: ProgressLog): Promise<TestWorkflowEnvironment> {
  const binary = await resolveTestServer(process.env, log);
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: binary.executable } });
  } catch (err) {
    throw missingBinaryError('testServer', err);
  }
  // The test server has no config option for search attributes: register them through its operator API.
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  /** SQLite file; without it the server keeps everything in memory. */
  dbFilename?: string;
  namespace?: string;
  extraArgs?: string[];
  log?: ProgressLog;
}

/** Temporal CLI dev server (`temporal server start-dev`) with the UI and the search attributes. */
export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const binary = await resolveTemporalCli(process.env, options.log);
  try {
    return await TestWorkflowEnvironment.createLocal({
      server: {
        executable: binary.executable,
        ip: '127.0.0.1',
        port: options.port,
        ui: options.uiPort !== undefined,
        uiPort: options.uiPort,
        dbFilename: options.dbFilename,
        namespace: options.namespace,
        searchAttributes: lifelineSearchAttributes as SearchAttributeKey<SearchAttributeType>[],
        extraArgs: options.extraArgs,
      },
    });
  } catch (err) {
    throw missingBinaryError('cli', err);
  }
}
