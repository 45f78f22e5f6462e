import { describeFaults } from './suite';

// The fault suite on the Temporal CLI dev server (SQLite), the embedded default.
describeFaults('dev');
