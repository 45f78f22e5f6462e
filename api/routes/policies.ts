import { Router } from 'express';
import { catalog, computeLifecycle, isRetired, knownPolicyIds, policyById, PolicyInputError, previewSla } from '../../policies';
import { allow } from '../auth';
import { problems } from '../problem';
import { LifecyclePreviewRequestSchema, SlaPreviewRequestSchema } from '../schemas';
import { parse } from '../validate';

/** A policy engine input error becomes a 400 naming the field, with the valid choices when there are some. */
function inputProblem(err: unknown): unknown {
  if (!(err instanceof PolicyInputError)) return err;
  return problems.validation([{ pointer: `/${err.field.replace(/\./g, '/')}`, detail: err.message }]);
}

export function policyRoutes(): Router {
  const router = Router();

  router.get('/policies', allow('customer', 'engineer'), (_req, res) => {
    res.json({
      policies: knownPolicyIds()
        .map((id) => policyById(id))
        .map((p) => ({
          id: p.id,
          name: p.name,
          version: p.version,
          builtIn: Object.hasOwn(catalog, p.id),
          retired: isRetired(p.id),
          plans: p.plans.map(({ id, name, prioritySetBy, options }) => ({ id, name, prioritySetBy, options })),
          severities: p.severities.map(({ id, name, definition, rank }) => ({ id, name, definition, rank })),
          products: p.products,
        })),
    });
  });

  router.post('/sla/preview', allow('customer', 'engineer'), (req, res) => {
    const body = parse(SlaPreviewRequestSchema, req.body, 'request body');
    try {
      res.json(previewSla(body));
    } catch (err) {
      throw inputProblem(err);
    }
  });

  router.post('/lifecycle/preview', allow('customer', 'engineer'), (req, res) => {
    const body = parse(LifecyclePreviewRequestSchema, req.body, 'request body');
    try {
      res.json(computeLifecycle(body));
    } catch (err) {
      throw inputProblem(err);
    }
  });

  return router;
}
