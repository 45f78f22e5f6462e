import { describeDev } from './dev-stack';

// The same, on the Temporal server backed by PostgreSQL (npm run dev -- --temporal=postgres).
describeDev('postgres');
