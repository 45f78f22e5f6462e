// The workflows the worker bundles. Only deterministic code: see DESIGN.md, "Rules that keep workflows correct".
export { ticket } from './ticket/workflow';
export { rulesChangedFanout } from './ticket/rules-changed';
export { productLifecycle } from './lifecycle/workflow';
