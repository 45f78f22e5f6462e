/**
 * The words of the support domain every layer uses, declared once: target kinds, ticket types and
 * channels, who hears of what. Plain constants (no zod), so the workflow bundle can import them too.
 */

/** `firstResponse`, `nextResponse`, `relief`, `resolution` (docs/policies.md "Target kinds"). */
export const targetKinds = ['firstResponse', 'nextResponse', 'relief', 'resolution'] as const;
export type TargetKind = (typeof targetKinds)[number];

/** Ticket types and channels, as the API and the workflows name them. */
export const ticketTypes = ['incident', 'bug', 'vulnerability', 'question', 'featureRequest'] as const;
export const ticketChannels = ['portal', 'email', 'phone'] as const;

/** Who a notification goes to; addresses come from the ticket (customer, assignee) or the routes table. */
export const recipientRoles = ['customer', 'assignee', 'supportManagement', 'accountManager', 'onCall'] as const;
export type RecipientRole = (typeof recipientRoles)[number];

/** Ticket events that may notify someone. */
export const notifiableEvents = [
  'opened',
  'rejected',
  'warning',
  'breached',
  'escalated',
  'paged',
  'reclassified',
  'informationRequested',
  'resolved',
  'autoClosed',
] as const;
export type NotifiableEvent = (typeof notifiableEvents)[number];
