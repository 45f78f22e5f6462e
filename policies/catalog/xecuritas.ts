/** Xecuritas problem resolution policy (seed 003), read as docs/policies.md "Xecuritas (003)" fixes it. */
import type { HolidayRule, PolicyInput } from '../schema';
import { alwaysOpen } from './calendars';

const TARGETS = '003 Target Response and Resolution Timeframes';

/**
 * 003 lists the 2010 holidays (Jan 1, Feb 15, May 31, Jul 5, Sep 6, Nov 25, Nov 26, Dec 24,
 * Dec 31); these rules give exactly that list and are applied to every year. A holiday on a
 * Saturday is observed the Friday before, on a Sunday the Monday after (Dec 31, 2010 is New
 * Year's Day 2011 observed).
 */
const xecuritasHolidays: HolidayRule[] = [
  { kind: 'fixed', name: "New Year's Day", month: 1, day: 1, observe: 'nearestWeekday' },
  { kind: 'nthWeekday', name: "Presidents' Day", month: 2, weekday: 1, nth: 3 },
  { kind: 'nthWeekday', name: 'Memorial Day', month: 5, weekday: 1, nth: -1 },
  { kind: 'fixed', name: 'Independence Day', month: 7, day: 4, observe: 'nearestWeekday' },
  { kind: 'nthWeekday', name: 'Labor Day', month: 9, weekday: 1, nth: 1 },
  { kind: 'nthWeekday', name: 'Thanksgiving', month: 11, weekday: 4, nth: 4 },
  { kind: 'dayAfter', name: 'Day after Thanksgiving', of: 'Thanksgiving', days: 1 },
  { kind: 'fixed', name: 'Christmas Day', month: 12, day: 25, observe: 'nearestWeekday' },
];

const weekday = [{ from: '08:00', to: '19:00' }];

export const xecuritas: PolicyInput = {
  id: 'xecuritas',
  name: 'Xecuritas customer problem resolution',
  version: 1,
  source: '003_f7fcfb528b0e1ae9.txt',
  calendars: [
    {
      id: 'us-eastern',
      name: 'Xecuritas support hours',
      version: 1,
      zone: 'America/New_York',
      // 003 Support Hours: "8 AM to 7 PM US Eastern Time, Monday through Friday".
      open: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday },
      holidays: xecuritasHolidays,
      source: '003 Support Hours',
    },
    alwaysOpen,
  ],
  defaultCalendar: 'us-eastern',
  calendarRules: [
    // 003 Support Hours: "Support for Severity-1 level issues is available 24 hours a day, 7 days a week".
    { when: { severities: ['sev1'] }, calendar: 'always-open', source: '003 Support Hours' },
  ],
  severities: [
    {
      id: 'sev1',
      name: 'Severity-1',
      rank: 1,
      definition:
        'Ongoing major security breach or email service disruption caused by the product, or a problem that leaves a large fraction of users unable to perform their normal duties.',
    },
    {
      id: 'sev2',
      name: 'Severity-2',
      rank: 2,
      definition:
        'Affects a small fraction of users and significantly reduces their productivity, or a moderate fraction and moderately reduces it.',
    },
    { id: 'sev3', name: 'Severity-3', rank: 3, definition: 'Intermittent, a minor loss of productivity, or merely an inconvenience.' },
  ],
  // Severity is recorded by the Xecuritas engineer "using the above criteria" (003 Customer Communication).
  plans: [{ id: 'standard', name: 'Standard support', prioritySetBy: 'vendor', options: [], source: '003 Overview and Applicability' }],
  // Every target escalates to technical support management when missed (003 Customer Communication:
  // "Any severity type that cannot be resolved in prescribed response times will be escalated").
  targets: {
    standard: {
      sev1: {
        firstResponse: { duration: '1 hour', escalateTo: 'supportManagement', source: TARGETS },
        // "Within 1 day, else notification and/or escalation": on the 24/7 calendar that is 24 hours.
        resolution: { duration: '24 hours', escalateTo: 'supportManagement', source: TARGETS },
      },
      sev2: {
        // "Within 4-6 hours": warn at 4 business hours, breach at 6 (docs/policies.md "Xecuritas (003)").
        firstResponse: { duration: '6 working hours', warnAfter: '4 working hours', escalateTo: 'supportManagement', source: TARGETS },
        resolution: { duration: '2 working days', escalateTo: 'supportManagement', source: TARGETS },
      },
      sev3: {
        firstResponse: { duration: '1 working day', escalateTo: 'supportManagement', source: TARGETS },
        // "Within 1 week" = 5 business days (docs/policies.md "Xecuritas (003)").
        resolution: { duration: '5 working days', escalateTo: 'supportManagement', source: TARGETS },
      },
    },
  },
  waitingOnCustomer: {
    clock: 'pause',
    // 003 Troubleshooting: closed "if the customer has not provided a response to requests for information within 10 days".
    autoCloseAfter: '10 calendar days',
    source: '003 Troubleshooting and Diagnostics',
  },
  suspendIn: [],
  // 003 How to Report a Problem: "Severity-1 level cases opened online will automatically alert the
  // on-call technical staff via pager" (online = the support form, i.e. the portal).
  pageOnCall: { severities: ['sev1'], channels: ['portal'], source: '003 How to Report a Problem' },
  // 003 Overview: feature requests are not problems; they go to product management, without a target.
  forwardOnOpen: { types: ['featureRequest'], team: 'product management', source: '003 Overview and Applicability' },
  // 003 Customer Communication: "The recorded information will include, at a minimum: ... service
  // contract ID ... Name and contact information for the customer ... Software version; hardware and
  // operating system information". The other listed items are recorded by the engineer or the system.
  requiredCaseFields: {
    fields: [
      { field: 'contractId', detail: 'Xecuritas cases record the contract ID (003)' },
      { field: 'contact', detail: 'Xecuritas cases record a contact name and details (003)' },
      { field: 'productVersion', detail: 'Xecuritas cases record the software version (003)' },
      { field: 'details.environment', detail: 'Xecuritas cases record the hardware and operating system (003)' },
    ],
    source: '003 Customer Communication and Necessary Information',
  },
};
