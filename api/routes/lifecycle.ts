import { Router } from 'express';
import type { RouteDeps } from './deps';
import { mountProductRoutes } from './lifecycle-products';
import { mountVersionRoutes } from './lifecycle-versions';

/**
 * Products and their major versions' lifecycles: managers register a product and start a version's
 * lifecycle workflow, then move its milestones and record minor releases through Updates whose
 * validators keep the six-month notice promise (a refusal is a 409 naming the earliest allowed date).
 */
export function lifecycleRoutes(deps: RouteDeps): Router {
  const router = Router();
  mountProductRoutes(router, deps);
  mountVersionRoutes(router, deps);
  return router;
}
