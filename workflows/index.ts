// The workflows the worker bundles. Only deterministic code: see docs/architecture.md, "Determinism".
export { ticket } from './ticket/workflow';
export { rulesChangedFanout } from './ticket/rules-changed';
export { productLifecycle } from './lifecycle/workflow';
export { supportAgreement } from './agreement/workflow';
