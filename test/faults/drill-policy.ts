/**
 * The fault drill's policy: one plan, one severity, around the clock, a first response due 40 s
 * after opening with a warning 20 s before and escalation to support management, so every
 * warning, breach and escalation of a drill happens within a minute of real time.
 */
export const DRILL = { responseMs: 40_000, warnBeforeMs: 20_000 } as const;

export const drillPolicy = {
  id: 'faults',
  name: 'Fault drill',
  version: 1,
  source: 'test/faults: second-scale targets for the fault suite',
  calendars: [{ id: 'always', name: 'Around the clock', version: 1, zone: 'UTC', alwaysOpen: true, source: 'drill' }],
  defaultCalendar: 'always',
  severities: [{ id: 's1', name: 'S1', rank: 1, definition: 'Down.' }],
  plans: [{ id: 'drill', name: 'Drill', prioritySetBy: 'customer', source: 'drill' }],
  targets: {
    drill: {
      s1: {
        firstResponse: {
          duration: `PT${DRILL.responseMs / 1000}S`,
          warnBefore: `PT${DRILL.warnBeforeMs / 1000}S`,
          escalateTo: 'supportManagement',
          source: 'drill',
        },
      },
    },
  },
  waitingOnCustomer: { clock: 'pause', source: 'drill' },
};
