import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes that make tickets findable in the Temporal UI. SQL visibility allows
 * per namespace only 3 Datetime, 3 Int, 3 Bool, 3 Double, 10 Keyword, 3 KeywordList and 3 Text
 * attributes, so these are spent on what an engineer filters by; the rest lives in PostgreSQL
 * and the workflow query. None is named `Status`: the Temporal UI hides that name.
 */
export const TicketStatusKey = defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD);
export const SeverityKey = defineSearchAttributeKey('Severity', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const PolicyIdKey = defineSearchAttributeKey('PolicyId', SearchAttributeType.KEYWORD);
export const PlanKey = defineSearchAttributeKey('Plan', SearchAttributeType.KEYWORD);
export const ProductKey = defineSearchAttributeKey('Product', SearchAttributeType.KEYWORD);
export const NextDueAtKey = defineSearchAttributeKey('NextDueAt', SearchAttributeType.DATETIME);
export const SlaBreachedKey = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);

export const lifelineSearchAttributes = [
  TicketStatusKey,
  SeverityKey,
  CustomerIdKey,
  PolicyIdKey,
  PlanKey,
  ProductKey,
  NextDueAtKey,
  SlaBreachedKey,
];
