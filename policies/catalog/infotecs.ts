/** Infotecs software technical support policy (seed 000), read as docs/policies.md "Infotecs (000)" fixes it. */
import type { PolicyInput } from '../schema';
import { alwaysOpen } from './calendars';

export const infotecs: PolicyInput = {
  id: 'infotecs',
  name: 'Infotecs software & VA technical support',
  version: 1,
  source: '000_d099491242f9d739.txt',
  calendars: [alwaysOpen],
  defaultCalendar: 'always-open',
  severities: [
    {
      id: 'critical',
      name: 'Critical',
      rank: 1,
      definition:
        'A critical issue: may justify an on-site visit when it cannot be solved remotely (Basic) or an emergency call (Premium).',
    },
    { id: 'major', name: 'Major', rank: 2, definition: 'A bug or issue with business impact that is not critical.' },
    { id: 'minor', name: 'Minor', rank: 3, definition: 'A minor problem or question.' },
  ],
  plans: [
    { id: 'basic', name: 'Basic Support Plan', prioritySetBy: 'customer', options: [], source: '000 §3 Technical Support Plans' },
    // 000 §3: Premium options "are available only to customers, who have a valid SLA for Basic Support Plan"
    // (agreements.requiresPlan below).
    { id: 'premium', name: 'Premium Support Plan', prioritySetBy: 'customer', options: [], source: '000 §3 Technical Support Plans' },
  ],
  // 000 §1: the Policy "should serve as the basis for Service Level Agreements": no response times
  // are published; each customer's agreement sets them (contract overrides).
  targets: {},
  waitingOnCustomer: { clock: 'pause', source: '000 §1 (not stated; agreements set it, pause assumed)' },
  lifecycle: {
    // 000 §2: "EOMS is 1 year after EOS of this product version, but not earlier than 2 years after the
    // start of sales of the next Major Version"; GA + 4 years keeps the "at least 5 years" whole period.
    eomsAfterEos: 12,
    eomsAfterNextMajorGa: 24,
    eomsAfterGa: 48,
    extendedSupportMonths: 12, // "Extended Support is provided for 1 year; end of Extended Support means EOL"
    noticeMonths: 6, // "not later than half a year before the due date"
    extendedSupport: {
      // 000 §2: "During the Extended Support period … vulnerabilities are eliminated and critical bugs are
      // fixed. Other bugs can be fixed only under additional agreements and are subject to payment."
      // An incident is a defect report here; questions and feature requests are not covered.
      covered: [{ types: ['vulnerability'] }, { types: ['bug', 'incident'], maxSeverityRank: 1 }],
      billable: ['bug', 'incident'],
      billableText: 'Extended Support: this is fixed only under an additional, paid agreement.',
      refusedText: 'Extended Support covers vulnerabilities and critical bugs only.',
      source: '000 §2 Extended Support period',
    },
    scope: {
      // 000 §2: Infotecs shall "provide customers (on their request) with a pilot version for trial before the start of sales".
      announced: { text: 'This version is not released yet; a pilot can be requested before its GA.', source: '000 §2 pilot before GA' },
      pilot: { text: 'Covered.', source: '000 §2 pilot' },
      // 000 §2: "After the product EOL, Infotecs is not liable for the product use and its maintenance."
      endOfLife: { text: 'This version has reached End of Life: there is no support for it.', source: '000 §2 "After the product EOL…"' },
    },
    source: '000 §2 Technical Support Lifecycle',
  },
  agreements: {
    // Not stated: the common 60/30/7-day renewal reminders.
    reminderDaysBeforeEnd: [60, 30, 7],
    // 000 §3: "Basic Support Plan includes resolving of up to 40 Tickets per year. If necessary the customer may
    // order additional services that are charged under SLA. If less than 40 Tickets were resolved for the customer,
    // then the remaining number of potential support requests shall be added to the next-year Support Plan or
    // exchanged for additional services of Premium Support Plan."
    ticketQuota: {
      plans: ['basic'],
      ticketsPerYear: 40,
      rollover: true,
      exchangeFor: 'premium',
      billableText: "This year's 40 included tickets are used: this ticket is handled as an additional service charged under your SLA.",
      source: '000 §3 Basic Support Plan: up to 40 Tickets per year',
    },
    // 000 §3: "Premium Support Plan options are available only to customers, who have a valid SLA for Basic Support Plan."
    requiresPlan: [{ plan: 'premium', requires: 'basic', source: '000 §3 Premium Support Plan' }],
  },
  quotes: {
    // 000 §3: "The first year of Basic Support Plan costs 12% of the product license price; each next year is 20% of the
    // product license price." and "Upgrade to the next Major Version is charged 30% of the price." (Premium: "30% of the
    // product cost"): the upgrade is charged on the licence price too. Premium options are priced in the SLA.
    renewal: { firstYearPercent: 12, laterYearPercent: 20, upgradePercent: 30, source: '000 §3 Technical Support Plans' },
  },
};
