/** ISPsystem terms of technical support (seed 001), read as docs/policies.md "ISPsystem (001)" fixes it. */
import type { PolicyInput, TargetSpec } from '../schema';
import { alwaysOpen } from './calendars';

const TABLE = '001 2.6 response time table';

// 2.6 footnote *: the response time is the time a Ticket may stay with the Contractor; it starts at
// registration and again, in full, when requested information arrives: a nextResponse target.
const respond = (duration: string): Partial<Record<'nextResponse', TargetSpec>> => ({
  nextResponse: { duration, escalateTo: 'none', source: TABLE },
});

const daily = [{ from: '06:00', to: '18:00' }];
const development = [{ from: '06:00', to: '15:00' }];

export const ispsystem: PolicyInput = {
  id: 'ispsystem',
  name: 'ISPsystem technical support',
  version: 1,
  source: '001_55a79d63c189d7e3.txt',
  calendars: [
    alwaysOpen,
    {
      id: 'ispsystem-billing',
      name: 'BILLmanager and DNSmanager support hours',
      version: 1,
      zone: 'UTC',
      // 3.1: "for BILLmanager and DNSmanager — from 06:00 to 18:00 UTC" (every day: no weekdays are named).
      open: { mon: daily, tue: daily, wed: daily, thu: daily, fri: daily, sat: daily, sun: daily },
      source: '001 3.1',
    },
    {
      id: 'ispsystem-development',
      name: 'Development team hours',
      version: 1,
      zone: 'UTC',
      // 3.1: code changes or the development team — "from 06:00 to 15:00 UTC on business days";
      // *** "excluding public holidays in accordance with applicable law": which law is the
      // contract's, so no region is assumed here; a contract override sets `holidays`.
      open: { mon: development, tue: development, wed: development, thu: development, fri: development },
      holidays: [],
      source: '001 3.1 and footnote ***',
    },
  ],
  defaultCalendar: 'always-open',
  // First match wins; the order is the precedence of 3.1 (docs/policies.md "ISPsystem (001)").
  calendarRules: [
    {
      when: { severities: ['emergency'] },
      calendar: 'always-open',
      source: '001 3.1 "For the Emergency and the Privileged levels - 24/7"',
    },
    { when: { plans: ['privilege'] }, calendar: 'always-open', source: '001 3.1 "For the Emergency and the Privileged levels - 24/7"' },
    { when: { needsCodeChange: true }, calendar: 'ispsystem-development', source: '001 3.1 code changes / development team' },
    {
      when: { products: ['VMmanager', 'DCImanager'] },
      calendar: 'always-open',
      source: '001 3.1 VMmanager and DCImanager around the clock',
    },
    {
      when: { products: ['BILLmanager', 'DNSmanager'] },
      calendar: 'ispsystem-billing',
      source: '001 3.1 BILLmanager and DNSmanager 06:00–18:00 UTC',
    },
  ],
  severities: [
    {
      id: 'emergency',
      name: 'Emergency',
      rank: 1,
      definition:
        "A problem that interrupts the Product's performance, loses data, makes settings unsafe, or blocks installing, logging in, or licensing.",
    },
    {
      id: 'high',
      name: 'High',
      rank: 2,
      definition:
        'Affects functionality without damage, data loss or interruption; core functionality affected with a workaround available.',
    },
    {
      id: 'medium',
      name: 'Medium',
      rank: 3,
      definition: 'Core functionality not affected, and a workaround or temporary solution is available.',
    },
    { id: 'low', name: 'Low', rank: 4, definition: 'Consultation on Product functionality and other non-critical Tickets.' },
  ],
  // 2.6: criticality "is determined by the User", and may be changed by the Contractor.
  plans: [
    { id: 'standard', name: 'Standard', prioritySetBy: 'customer', options: [], source: TABLE },
    { id: 'privilege', name: 'Privilege', prioritySetBy: 'customer', options: [], source: TABLE },
  ],
  targets: {
    standard: {
      emergency: respond('8 working hours'),
      high: respond('16 working hours'),
      medium: respond('24 working hours'),
      low: respond('32 working hours'),
    },
    privilege: {
      emergency: respond('4 hours'),
      high: respond('8 working hours'),
      medium: respond('12 working hours'),
      low: respond('16 working hours'),
    },
  },
  waitingOnCustomer: {
    clock: 'restart',
    // 3.6: automatic closure "7 calendar days from the date of the last response".
    autoCloseAfter: '7 calendar days',
    // 2.6 *: the response time is the time a Ticket "may remain with the Contractor": a response hands it to the User.
    afterResponse: true,
    source: '001 2.6 footnote * and 3.6',
  },
  // 3.4: forwarded to the relevant team, "processed without a response time".
  suspendIn: ['forwarded'],
  minorVersions: [
    // 8.1.1: "the latest two stable minor versions" and "intermediate regular minor versions … released no
    // earlier than the previous to current stable version".
    {
      products: ['VMmanager', 'DCImanager', 'BILLmanager'],
      supported: 'twoLatestStablePlusRegular',
      outdated:
        'Your minor release is outdated (8.2): you get the known solutions described in the Documentation, existing fixes and updates, and help to migrate to a current release (8.3); no new fixes or consultations.',
      outdatedSource: '001 8.3',
      source: '001 8.1.1, 8.2–8.3',
    },
    // 8.1.2: "For DNSmanager 6 — in relation to the latest stable version."
    {
      products: ['DNSmanager'],
      supported: 'latestStable',
      outdated:
        'Your minor release is outdated (8.2): you get the known solutions described in the Documentation, existing fixes and updates, and help to migrate to a current release (8.3); no new fixes or consultations.',
      outdatedSource: '001 8.3',
      source: '001 8.1.2, 8.2–8.3',
    },
  ],
  // 3.2, the nine reasons, in the document's order.
  rejectionReasons: [
    {
      id: 'levelNotCovered',
      text: 'The Ticket is not compliant with the level of technical support specified in the License or purchased additionally in the Service.',
    },
    { id: 'informationRefused', text: 'The User is unable or refuses to provide the information necessary to work on the Ticket.' },
    { id: 'notReproducible', text: 'The incident described in the Ticket cannot be reproduced.' },
    {
      id: 'productModified',
      text: 'Changes were made by the User (or other persons) to the Product, except for changes provided for by its functionality.',
    },
    { id: 'outOfScope', text: 'The Ticket goes beyond the scope of the Service provided under the Terms and Conditions.' },
    { id: 'improperlyWorded', text: 'The Ticket is not worded correctly, or is conducted in a non-constructive, disrespectful manner.' },
    { id: 'alreadyAnswered', text: 'A response to the Ticket was provided to this User earlier, with reference to the Ticket number.' },
    {
      id: 'unsupportedUse',
      text: 'The Product is used in ways not provided for in the Documentation, system requirements, or applicable standards.',
    },
    {
      id: 'priorityGaming',
      text: 'Intentional actions aimed at increasing the priority of Ticket processing, such as creating multiple similar Tickets.',
    },
  ],
  products: ['VMmanager', 'DCImanager', 'BILLmanager', 'DNSmanager'],
  // The calendar depends on the product (3.1), so a Standard ticket must name one.
  requiresProduct: true,
  agreements: {
    // Not stated: the common 60/30/7-day renewal reminders.
    reminderDaysBeforeEnd: [60, 30, 7],
    // 3.8: "After the end of the term of provision of the Services, support for the Product shall be provided ...
    // with continued access to the KB, Documentation, and Client Area, but without the ability to contact technical
    // support; without access to current Product Updates released outside the term of the Services."
    afterTerm: {
      text: 'The term of the Services has ended: the KB, Documentation and Client Area remain available, but technical support cannot be contacted and Product Updates released after the term are not provided.',
      source: '001 3.8',
    },
    // 10.1: "Combining different levels of Services and terms for a single License is not permitted."
    oneLevelPerLicence: { source: '001 10.1' },
  },
  quotes: {
    // 10.2.1: "periods of up to 5 days inclusive are rounded down; periods of more than 5 days are rounded up to a full
    // month." 10.2.2: "a License Extension with standard term Services (12, 24, 36 months) must be purchased, but for no
    // less than the period remaining until the expiration date of the Services previously purchased Extensions."
    coTerming: { roundDownUpToDays: 5, standardTermsMonths: [12, 24, 36], source: '001 10.2.1–10.2.2' },
    // 9.7: "If the User has not purchased the Services and there has been a break in receiving Updates, then in order to
    // receive Updates, payment must be made for the entire missed period. ... The cost of Updates is determined by the
    // prices on the date of purchase."
    backPayment: {
      note: 'Updates bought for the missed period entitle only to those Updates: technical support for the previous period cannot be requested.',
      source: '001 9.7',
    },
  },
};
