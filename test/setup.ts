// Quiet Temporal's worker logs in tests (bundle sizes, state changes); warnings and errors still show.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
