/** The catalog: the four source policies (docs/policies.md "The source policies"), validated when first loaded. */
import { loadPolicy } from '../load';
import type { Policy } from '../schema';
import { infotecs } from './infotecs';
import { isode } from './isode';
import { ispsystem } from './ispsystem';
import { xecuritas } from './xecuritas';

export const catalog: Readonly<Record<'isode' | 'xecuritas' | 'ispsystem' | 'infotecs', Policy>> = Object.freeze({
  isode: loadPolicy(isode),
  xecuritas: loadPolicy(xecuritas),
  ispsystem: loadPolicy(ispsystem),
  infotecs: loadPolicy(infotecs),
});

export type CatalogPolicyId = keyof typeof catalog;
