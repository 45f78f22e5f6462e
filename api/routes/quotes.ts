import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { knownPolicyIds, policyById, PolicyInputError, type Policy } from '../../policies';
import { backPaymentQuote, coTermingQuote, renewalQuote } from '../../policies/quotes';
import { allow } from '../auth';
import { problems } from '../problem';
import { BackPaymentQuoteRequestSchema, CoTermingQuoteRequestSchema, RenewalQuoteRequestSchema } from '../schemas';
import { parse } from '../validate';

/** The policy a quote names; an unknown one is refused at /policyId (the body's field). */
function policyOf(id: string): Policy {
  try {
    return policyById(id);
  } catch (err) {
    if (err instanceof PolicyInputError) throw new PolicyInputError('policyId', err.message, knownPolicyIds());
    throw err;
  }
}

/** A quote's input error becomes a 400 naming the field (`/policyId` for a policy without the rule). */
function inputProblem(err: unknown): unknown {
  if (!(err instanceof PolicyInputError)) return err;
  return problems.validation([{ pointer: `/${err.field.replace(/\./g, '/')}`, detail: err.message }]);
}

/**
 * Parses the body, finds its policy (the latest stored version, else the built-in) and answers the
 * quote with the policy's id and version; neither a policy override nor a contract reaches a quote.
 */
function quote<S extends z.ZodType<{ policyId: string }>>(schema: S, compute: (policy: Policy, body: z.infer<S>) => object) {
  return (req: Request, res: Response) => {
    const body = parse(schema, req.body, 'request body');
    try {
      // The policy as it runs now: a stored version supersedes the built-in's price rules.
      const policy = policyOf(body.policyId);
      res.json({ policyId: policy.id, policyVersion: policy.version, ...compute(policy, body) });
    } catch (err) {
      throw inputProblem(err);
    }
  };
}

/** Commercial quotes: price arithmetic over a policy's quote rules (policies/quotes.ts); any key may ask. */
export function quoteRoutes(): Router {
  const router = Router();
  const anyKey = allow('customer', 'engineer');
  router.post('/renewal', anyKey, quote(RenewalQuoteRequestSchema, renewalQuote));
  router.post('/co-terming', anyKey, quote(CoTermingQuoteRequestSchema, coTermingQuote));
  router.post('/back-payment', anyKey, quote(BackPaymentQuoteRequestSchema, backPaymentQuote));
  return router;
}
