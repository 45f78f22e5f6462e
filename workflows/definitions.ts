/**
 * The contracts between the API and the workflows, one file per subsystem; this index re-exports
 * them for code that needs several. Keep it free of side effects.
 */
export * from './contract';
export * from './ticket/contract';
export * from './lifecycle/contract';
