import { describeFaults } from './suite';

// The fault suite on the Temporal server backed by PostgreSQL, as production runs it.
describeFaults('postgres');
