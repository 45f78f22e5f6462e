import { previewSla, PolicyInputError, type SlaInput } from '../../../policies';

type Row = [plan: string, severity: string, kind: string, duration: string, dueAt: string, calendar: string];

function targetsOf(input: SlaInput) {
  return previewSla(input).targets.map((t) => [input.plan, input.severity, t.kind, t.duration, t.dueAt, t.calendar]);
}

describe('Isode (002): every cell of the response table, and relief at 3×', () => {
  // Monday 2 March 2026, 09:00 in London (GMT): the office has just opened.
  const openedAt = '2026-03-02T09:00:00Z';
  const rows: Row[] = [
    ['bronze', 'p1', 'firstResponse', 'PT8H', '2026-03-02T17:00:00.000Z', 'uk-office'], // 1 working day ends at closing time
    ['bronze', 'p1', 'relief', 'PT24H', '2026-03-04T17:00:00.000Z', 'uk-office'],
    ['bronze', 'p2', 'firstResponse', 'PT16H', '2026-03-03T17:00:00.000Z', 'uk-office'],
    ['bronze', 'p2', 'relief', 'PT48H', '2026-03-09T17:00:00.000Z', 'uk-office'],
    ['bronze', 'p3', 'firstResponse', 'PT24H', '2026-03-04T17:00:00.000Z', 'uk-office'],
    ['bronze', 'p3', 'relief', 'PT72H', '2026-03-12T17:00:00.000Z', 'uk-office'],
    ['bronze', 'p4', 'firstResponse', 'PT24H', '2026-03-04T17:00:00.000Z', 'uk-office'],
    ['bronze', 'p4', 'relief', 'PT72H', '2026-03-12T17:00:00.000Z', 'uk-office'],
    ['silver', 'p1', 'firstResponse', 'PT4H', '2026-03-02T13:00:00.000Z', 'uk-office'],
    ['silver', 'p1', 'relief', 'PT12H', '2026-03-03T13:00:00.000Z', 'uk-office'],
    ['silver', 'p2', 'firstResponse', 'PT8H', '2026-03-02T17:00:00.000Z', 'uk-office'],
    ['silver', 'p2', 'relief', 'PT24H', '2026-03-04T17:00:00.000Z', 'uk-office'],
    ['silver', 'p3', 'firstResponse', 'PT16H', '2026-03-03T17:00:00.000Z', 'uk-office'],
    ['silver', 'p3', 'relief', 'PT48H', '2026-03-09T17:00:00.000Z', 'uk-office'],
    ['silver', 'p4', 'firstResponse', 'PT16H', '2026-03-03T17:00:00.000Z', 'uk-office'],
    ['silver', 'p4', 'relief', 'PT48H', '2026-03-09T17:00:00.000Z', 'uk-office'],
    ['gold', 'p1', 'firstResponse', 'PT4H', '2026-03-02T13:00:00.000Z', 'uk-office'],
    ['gold', 'p1', 'relief', 'PT12H', '2026-03-03T13:00:00.000Z', 'uk-office'],
    ['gold', 'p2', 'firstResponse', 'PT4H', '2026-03-02T13:00:00.000Z', 'uk-office'],
    ['gold', 'p2', 'relief', 'PT12H', '2026-03-03T13:00:00.000Z', 'uk-office'],
    ['gold', 'p3', 'firstResponse', 'PT8H', '2026-03-02T17:00:00.000Z', 'uk-office'],
    ['gold', 'p3', 'relief', 'PT24H', '2026-03-04T17:00:00.000Z', 'uk-office'],
    ['gold', 'p4', 'firstResponse', 'PT8H', '2026-03-02T17:00:00.000Z', 'uk-office'],
    ['gold', 'p4', 'relief', 'PT24H', '2026-03-04T17:00:00.000Z', 'uk-office'],
  ];

  it.each(['bronze', 'silver', 'gold'])('%s', (plan) => {
    for (const severity of ['p1', 'p2', 'p3', 'p4']) {
      expect(targetsOf({ policy: 'isode', plan, severity, openedAt })).toEqual(rows.filter((r) => r[0] === plan && r[1] === severity));
    }
  });

  it('runs P1 around the clock with the p1TwentyFourSeven option, on Silver and Gold only', () => {
    const saturdayNight = '2026-03-07T22:00:00Z';
    for (const plan of ['silver', 'gold']) {
      expect(targetsOf({ policy: 'isode', plan, severity: 'p1', openedAt: saturdayNight, options: { p1TwentyFourSeven: true } })).toEqual([
        [plan, 'p1', 'firstResponse', 'PT4H', '2026-03-08T02:00:00.000Z', 'always-open'],
        [plan, 'p1', 'relief', 'PT12H', '2026-03-08T10:00:00.000Z', 'always-open'],
      ]);
    }
    // The option changes only P1.
    expect(
      previewSla({ policy: 'isode', plan: 'gold', severity: 'p2', openedAt, options: { p1TwentyFourSeven: true } }).targets[0].calendar,
    ).toBe('uk-office');
    expect(() => previewSla({ policy: 'isode', plan: 'bronze', severity: 'p1', openedAt, options: { p1TwentyFourSeven: true } })).toThrow(
      /options.p1TwentyFourSeven: plan "bronze" of policy "isode" offers no option/,
    );
  });
});

describe('Xecuritas (003): every cell of the response and resolution table', () => {
  // Monday 2 March 2026, 08:00 in New York (EST, UTC−5): support hours have just begun.
  const openedAt = '2026-03-02T13:00:00Z';
  it('sev1 runs 24/7: response 1 hour, resolution 1 day', () => {
    expect(targetsOf({ policy: 'xecuritas', plan: 'standard', severity: 'sev1', openedAt })).toEqual([
      ['standard', 'sev1', 'firstResponse', 'PT1H', '2026-03-02T14:00:00.000Z', 'always-open'],
      ['standard', 'sev1', 'resolution', 'PT24H', '2026-03-03T13:00:00.000Z', 'always-open'],
    ]);
  });

  it('sev2: response warns at 4 business hours and is due at 6; resolution in 2 business days', () => {
    const { targets } = previewSla({ policy: 'xecuritas', plan: 'standard', severity: 'sev2', openedAt });
    expect(targets[0]).toMatchObject({
      kind: 'firstResponse',
      duration: 'PT6H',
      warnAt: '2026-03-02T17:00:00.000Z',
      dueAt: '2026-03-02T19:00:00.000Z',
      escalateTo: 'supportManagement',
    });
    expect(targets[1]).toMatchObject({ kind: 'resolution', duration: 'PT22H', dueAt: '2026-03-04T00:00:00.000Z', calendar: 'us-eastern' });
  });

  it('sev3: response in 1 business day, resolution in 1 week (5 business days)', () => {
    expect(targetsOf({ policy: 'xecuritas', plan: 'standard', severity: 'sev3', openedAt })).toEqual([
      ['standard', 'sev3', 'firstResponse', 'PT11H', '2026-03-03T00:00:00.000Z', 'us-eastern'],
      ['standard', 'sev3', 'resolution', 'PT55H', '2026-03-07T00:00:00.000Z', 'us-eastern'],
    ]);
  });

  it('escalates every missed target to technical support management', () => {
    for (const severity of ['sev1', 'sev2', 'sev3']) {
      for (const t of previewSla({ policy: 'xecuritas', plan: 'standard', severity, openedAt }).targets)
        expect(t.escalateTo).toBe('supportManagement');
    }
  });
});

describe('ISPsystem (001): every cell of the 2.6 table on the calendars of 3.1', () => {
  // Monday 2 March 2026, 06:00 UTC.
  const openedAt = '2026-03-02T06:00:00Z';
  const standard: Array<[string, string, boolean, string, string, string]> = [
    // severity, product, needsCodeChange, duration, dueAt, calendar
    ['emergency', 'BILLmanager', false, 'PT8H', '2026-03-02T14:00:00.000Z', 'always-open'],
    ['emergency', 'VMmanager', true, 'PT8H', '2026-03-02T14:00:00.000Z', 'always-open'],
    ['high', 'VMmanager', false, 'PT16H', '2026-03-02T22:00:00.000Z', 'always-open'],
    ['high', 'DCImanager', false, 'PT16H', '2026-03-02T22:00:00.000Z', 'always-open'],
    ['high', 'BILLmanager', false, 'PT16H', '2026-03-03T10:00:00.000Z', 'ispsystem-billing'],
    ['high', 'DNSmanager', false, 'PT16H', '2026-03-03T10:00:00.000Z', 'ispsystem-billing'],
    ['high', 'VMmanager', true, 'PT16H', '2026-03-03T13:00:00.000Z', 'ispsystem-development'],
    ['medium', 'VMmanager', false, 'PT24H', '2026-03-03T06:00:00.000Z', 'always-open'],
    ['medium', 'BILLmanager', false, 'PT24H', '2026-03-03T18:00:00.000Z', 'ispsystem-billing'],
    ['medium', 'DNSmanager', true, 'PT24H', '2026-03-04T12:00:00.000Z', 'ispsystem-development'],
    ['low', 'DCImanager', false, 'PT32H', '2026-03-03T14:00:00.000Z', 'always-open'],
    ['low', 'DNSmanager', false, 'PT32H', '2026-03-04T14:00:00.000Z', 'ispsystem-billing'],
    ['low', 'BILLmanager', true, 'PT32H', '2026-03-05T11:00:00.000Z', 'ispsystem-development'],
  ];
  it.each(standard)('Standard %s on %s (code change: %s)', (severity, product, needsCodeChange, duration, dueAt, calendar) => {
    const { targets } = previewSla({ policy: 'ispsystem', plan: 'standard', severity, product, needsCodeChange, openedAt });
    expect(targets).toEqual([expect.objectContaining({ kind: 'nextResponse', duration, dueAt, calendar })]);
  });

  it.each([
    ['emergency', 'PT4H', '2026-03-02T10:00:00.000Z'],
    ['high', 'PT8H', '2026-03-02T14:00:00.000Z'],
    ['medium', 'PT12H', '2026-03-02T18:00:00.000Z'],
    ['low', 'PT16H', '2026-03-02T22:00:00.000Z'],
  ])('Privilege %s runs 24/7 for every product', (severity, duration, dueAt) => {
    for (const product of ['VMmanager', 'DCImanager', 'BILLmanager', 'DNSmanager']) {
      for (const needsCodeChange of [false, true]) {
        const { targets } = previewSla({ policy: 'ispsystem', plan: 'privilege', severity, product, needsCodeChange, openedAt });
        expect(targets).toEqual([expect.objectContaining({ kind: 'nextResponse', duration, dueAt, calendar: 'always-open' })]);
      }
    }
  });

  it('needs the product to choose working hours, and names the valid ones', () => {
    let error: PolicyInputError | undefined;
    try {
      previewSla({ policy: 'ispsystem', plan: 'standard', severity: 'high', openedAt });
    } catch (err) {
      error = err as PolicyInputError;
    }
    expect(error).toBeInstanceOf(PolicyInputError);
    expect(error!.field).toBe('product');
    expect(error!.message).toMatch(/VMmanager, DCImanager, BILLmanager, DNSmanager/);
    expect(() => previewSla({ policy: 'ispsystem', plan: 'standard', severity: 'high', product: 'ISPmanager', openedAt })).toThrow(
      /unknown product "ISPmanager"/,
    );
  });
});

describe('Infotecs (000)', () => {
  it('publishes no response times: its tickets carry no target until an agreement sets one', () => {
    for (const plan of ['basic', 'premium']) {
      for (const severity of ['critical', 'major', 'minor']) {
        expect(previewSla({ policy: 'infotecs', plan, severity, openedAt: '2026-03-02T06:00:00Z' }).targets).toEqual([]);
      }
    }
  });
});

describe('previewSla input errors', () => {
  const ok: SlaInput = { policy: 'isode', plan: 'gold', severity: 'p1', openedAt: '2026-03-02T09:00:00Z' };
  it.each([
    [{ ...ok, policy: 'zammad' }, 'policy', /isode, xecuritas, ispsystem, infotecs/],
    [{ ...ok, plan: 'platinum' }, 'plan', /bronze, silver, gold/],
    [{ ...ok, severity: 'sev1' }, 'severity', /p1, p2, p3, p4/],
    [{ ...ok, openedAt: '2026-03-02 09:00' }, 'openedAt', /ISO-8601 instant with an offset/],
    [{ ...ok, openedAt: '2026-03-02T09:00:00' }, 'openedAt', /with an offset/],
    [{ ...ok, openedAt: '2026-02-30T09:00:00Z' }, 'openedAt', /not a valid instant|ISO/],
  ])('%#: names the field', (input, field, message) => {
    try {
      previewSla(input as SlaInput);
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyInputError);
      expect((err as PolicyInputError).field).toBe(field);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('accepts offsets other than Z and answers in UTC', () => {
    const a = previewSla({ ...ok, openedAt: '2026-03-02T10:00:00+01:00' });
    const b = previewSla(ok);
    expect(a).toEqual(b);
  });
});
