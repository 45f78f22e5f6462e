/** Isode support (seed 002), read as docs/policies.md "Isode (002)" fixes it. */
import type { PolicyInput, TargetSpec } from '../schema';
import { alwaysOpen, englandAndWalesHolidays } from './calendars';

const TABLE = '002 support packages table';
const RELIEF = '002 Relief and Resolution: relief within three times the response time, waiting on the customer excluded';

// Relief target = 3 × the response target, on the same calendar (002 "Relief and Resolution").
function responseAndRelief(response: string, relief: string): Partial<Record<'firstResponse' | 'relief', TargetSpec>> {
  return {
    // 002 names no escalation path; a missed target goes to Isode's support management, who own the 90 % relief goal.
    firstResponse: { duration: response, escalateTo: 'supportManagement', source: TABLE },
    relief: { duration: relief, escalateTo: 'supportManagement', source: RELIEF },
  };
}

export const isode: PolicyInput = {
  id: 'isode',
  name: 'Isode support packages',
  version: 1,
  source: '002_508fb60c0b419636.txt',
  calendars: [
    {
      id: 'uk-office',
      name: 'UK office hours',
      version: 1,
      zone: 'Europe/London',
      // 002: "coverage in UK office hours (9:00-17:00), excluding Public Holidays in England & Wales".
      open: {
        mon: [{ from: '09:00', to: '17:00' }],
        tue: [{ from: '09:00', to: '17:00' }],
        wed: [{ from: '09:00', to: '17:00' }],
        thu: [{ from: '09:00', to: '17:00' }],
        fri: [{ from: '09:00', to: '17:00' }],
      },
      holidays: englandAndWalesHolidays,
      source: '002 first paragraph',
    },
    alwaysOpen,
  ],
  defaultCalendar: 'uk-office',
  calendarRules: [
    // 002 second paragraph: custom packages on Silver or Gold may give 24/7 support for Priority 1.
    { when: { severities: ['p1'], option: 'p1TwentyFourSeven' }, calendar: 'always-open', source: '002 custom packages' },
  ],
  severities: [
    {
      id: 'p1',
      name: 'Priority 1 (Critical)',
      rank: 1,
      definition: 'Total system outage or failure preventing processing the majority of traffic on a production system.',
    },
    {
      id: 'p2',
      name: 'Priority 2 (Serious)',
      rank: 2,
      definition: 'Serious incident on production system, causing frequent failures and business impact.',
    },
    {
      id: 'p3',
      name: 'Priority 3 (Moderate)',
      rank: 3,
      definition: 'Other incident on production, development or test system which has some service or business impact.',
    },
    { id: 'p4', name: 'Priority 4 (Informational)', rank: 4, definition: 'Incident that does not have service or business impact.' },
  ],
  plans: [
    // "Priority Setting: Isode" for Bronze: the customer's choice is a suggestion until triage.
    { id: 'bronze', name: 'Bronze', prioritySetBy: 'vendor', options: [], source: TABLE },
    { id: 'silver', name: 'Silver', prioritySetBy: 'customer', options: ['p1TwentyFourSeven'], source: TABLE },
    { id: 'gold', name: 'Gold', prioritySetBy: 'customer', options: ['p1TwentyFourSeven'], source: TABLE },
  ],
  targets: {
    bronze: {
      p1: responseAndRelief('1 working day', '3 working days'),
      p2: responseAndRelief('2 working days', '6 working days'),
      p3: responseAndRelief('3 working days', '9 working days'),
      p4: responseAndRelief('3 working days', '9 working days'),
    },
    silver: {
      p1: responseAndRelief('4 working hours', '12 working hours'),
      p2: responseAndRelief('1 working day', '3 working days'),
      p3: responseAndRelief('2 working days', '6 working days'),
      p4: responseAndRelief('2 working days', '6 working days'),
    },
    gold: {
      p1: responseAndRelief('4 working hours', '12 working hours'),
      p2: responseAndRelief('4 working hours', '12 working hours'),
      p3: responseAndRelief('1 working day', '3 working days'),
      p4: responseAndRelief('1 working day', '3 working days'),
    },
  },
  // 002: "The elapsed time does not include periods where Isode is waiting on you".
  waitingOnCustomer: { clock: 'pause', source: RELIEF },
  // 002 Relief and Resolution: "For priority 1 and priority 2 incidents for which there is no effective relief
  // without a product update, a “hot fix” (patch) may be provided". A P3 on a test system expected to lead to
  // P1/P2 in production is "treated in the same manner": an engineer reclassifies it first.
  hotfix: { maxSeverityRank: 2, source: '002 Relief and Resolution' },
  // 002: "Our target is to get to the relief state in 90% of incidents within three times the response time":
  // a statistic over many tickets, which the SLA report computes; the relief target above is the per-ticket clock.
  goals: [
    {
      id: 'relief90',
      target: 'relief',
      share: 0.9,
      ticketTypes: ['incident'],
      text: 'Relief in 90% of incidents within three times the response time, waiting on the customer excluded',
      source: '002 Relief and Resolution',
    },
  ],
};
