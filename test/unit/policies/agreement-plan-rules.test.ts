import { catalog, planRuleRefusals, type PlanRuleAgreement, type PlanRuleOther } from '../../../policies';
import { agreementRulesSchema } from '../../../policies/agreement-rules';

const infotecs = catalog.infotecs.agreements!;
const ispsystem = catalog.ispsystem.agreements!;
const infotecsNames = Object.fromEntries(catalog.infotecs.plans.map((p) => [p.id, p.name]));

const Y2025 = { startsAt: '2025-01-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' };
const Y2026 = { startsAt: '2026-01-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };
const H1_2025 = { startsAt: '2025-01-01T00:00:00Z', endsAt: '2025-07-01T00:00:00Z' };
const H2_2025 = { startsAt: '2025-07-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' };
const FROM_2025 = { startsAt: '2025-01-01T00:00:00Z' };
const FROM_2024 = { startsAt: '2024-01-01T00:00:00Z' };

const agreement = (over: Partial<PlanRuleAgreement>): PlanRuleAgreement => ({
  contractId: 'C-new',
  customerId: 'cust-1',
  plan: 'premium',
  periods: [Y2025],
  licences: [],
  ...over,
});
const other = (over: Partial<PlanRuleOther>): PlanRuleOther => ({
  ...agreement({ contractId: 'C-other', plan: 'basic' }),
  status: 'active',
  ...over,
});

describe('Premium needs Basic over its whole term (Infotecs 000 §3)', () => {
  const cases: Array<[string, Partial<PlanRuleAgreement>, Array<Partial<PlanRuleOther>>, boolean]> = [
    ['basic over the same year', {}, [{}], true],
    ['no basic agreement at all', {}, [], false],
    ['basic of another customer', {}, [{ customerId: 'cust-2' }], false],
    ['basic, but ended', {}, [{ status: 'ended' }], false],
    ['basic lapsed, its term still covering', {}, [{ status: 'lapsed' }], true],
    ['basic pending over the same year', {}, [{ status: 'pending' }], true],
    ['basic over half the year only', {}, [{ periods: [H1_2025] }], false],
    ['basic in two terms (a renewal) covering the year', {}, [{ periods: [H1_2025, H2_2025] }], true],
    ['basic in two agreements one after the other', {}, [{ periods: [H1_2025] }, { contractId: 'C-b2', periods: [H2_2025] }], true],
    ['basic with a gap before the second half', {}, [{ periods: [H1_2025, { ...H2_2025, startsAt: '2025-07-02T00:00:00Z' }] }], false],
    ['premium renewed into 2026, basic only for 2025', { periods: [Y2025, Y2026] }, [{}], false],
    ['premium renewed into 2026, basic renewed too', { periods: [Y2025, Y2026] }, [{ periods: [Y2025, Y2026] }], true],
    ['open-ended premium, basic for a year', { periods: [FROM_2025] }, [{}], false],
    ['open-ended premium, open-ended basic from earlier', { periods: [FROM_2025] }, [{ periods: [FROM_2024] }], true],
    ['premium for a year, open-ended basic', {}, [{ periods: [FROM_2025] }], true],
    ['open-ended basic starting after the premium', {}, [{ periods: [{ startsAt: '2025-01-02T00:00:00Z' }] }], false],
    ['the candidate itself is not its own cover', { plan: 'premium' }, [{ contractId: 'C-new', plan: 'premium' }], false],
    ['a premium agreement is no cover', {}, [{ plan: 'premium' }], false],
  ];
  it.each(cases)('%s', (_name, candidate, others, allowed) => {
    const refusals = planRuleRefusals(infotecs, agreement(candidate), others.map(other), infotecsNames);
    if (allowed) expect(refusals).toEqual([]);
    else
      expect(refusals).toEqual([
        {
          pointer: '/plan',
          detail:
            'Premium Support Plan options are available only to customers who have a valid SLA for Basic Support Plan over the same period (000 §3 Premium Support Plan)',
          source: '000 §3 Premium Support Plan',
        },
      ]);
  });

  it('a basic agreement needs nothing', () => {
    expect(planRuleRefusals(infotecs, agreement({ plan: 'basic' }), [])).toEqual([]);
  });

  it('without plan names the detail names the plan ids', () => {
    expect(planRuleRefusals(infotecs, agreement({}), [])[0].detail).toMatch(/^the "premium" plan options .* the "basic" plan over/);
  });
});

describe('one level of service per licence (ISPsystem 10.1)', () => {
  const lic = (licenceId: string, ...extensions: string[]) => ({ licenceId, extensions });
  const cases: Array<[string, Partial<PlanRuleAgreement>, Array<Partial<PlanRuleOther>>, string[]]> = [
    ['same licence, another plan, same term', { licences: [lic('L1')] }, [{ licences: [lic('L1')] }], ['/licences/0/licenceId']],
    ['same licence, same plan', { plan: 'basic', licences: [lic('L1')] }, [{ licences: [lic('L1')] }], []],
    ['same licence, another plan, terms one after the other', { periods: [Y2026], licences: [lic('L1')] }, [{ licences: [lic('L1')] }], []],
    ['same licence, another plan, ended', { licences: [lic('L1')] }, [{ status: 'ended', licences: [lic('L1')] }], []],
    [
      'same licence, another plan, lapsed but overlapping',
      { licences: [lic('L1')] },
      [{ status: 'lapsed', licences: [lic('L1')] }],
      ['/licences/0/licenceId'],
    ],
    ['another licence', { licences: [lic('L2')] }, [{ licences: [lic('L1')] }], []],
    ['our extension is their licence', { licences: [lic('L2', 'X1', 'L1')] }, [{ licences: [lic('L1')] }], ['/licences/0/extensions/1']],
    ['our licence is their extension', { licences: [lic('L0'), lic('L1')] }, [{ licences: [lic('L9', 'L1')] }], ['/licences/1/licenceId']],
    ['an extension in both', { licences: [lic('L2', 'X1')] }, [{ licences: [lic('L3', 'X1')] }], ['/licences/0/extensions/0']],
    [
      'open-ended candidate overlapping a later term',
      { periods: [FROM_2025], licences: [lic('L1')] },
      [{ periods: [Y2026], licences: [lic('L1')] }],
      ['/licences/0/licenceId'],
    ],
    ['another customer is not looked at', { licences: [lic('L1')] }, [{ customerId: 'cust-2', licences: [lic('L1')] }], []],
  ];
  it.each(cases)('%s', (_name, candidate, others, pointers) => {
    const refusals = planRuleRefusals(ispsystem, agreement({ plan: 'standard', ...candidate }), others.map(other));
    expect(refusals.map((r) => r.pointer)).toEqual(pointers);
    for (const r of refusals) {
      expect(r.source).toBe('001 10.1');
      expect(r.detail).toContain('agreement C-other');
      expect(r.detail).toContain('Combining different levels of Services and terms for a single License is not permitted (001 10.1)');
    }
  });

  it('names every agreement it clashes with', () => {
    const refusals = planRuleRefusals(ispsystem, agreement({ plan: 'standard', licences: [lic('L1')] }), [
      other({ licences: [lic('L1')] }),
      other({ contractId: 'C-third', plan: 'premium', licences: [lic('L1')] }),
    ]);
    expect(refusals).toHaveLength(1);
    expect(refusals[0].detail).toMatch(/^Licence L1 is already covered by agreement C-other \(the "basic" plan\), agreement C-third/);
  });

  it('is not checked where the policy does not say so', () => {
    expect(
      planRuleRefusals(infotecs, agreement({ plan: 'basic', licences: [lic('L1')] }), [other({ plan: 'premium', licences: [lic('L1')] })]),
    ).toEqual([]);
  });

  it('both rules together, in order', () => {
    const rules = agreementRulesSchema.parse({ requiresPlan: infotecs.requiresPlan, oneLevelPerLicence: { source: '001 10.1' } });
    const refusals = planRuleRefusals(rules, agreement({ licences: [lic('L1')] }), [other({ periods: [H1_2025], licences: [lic('L1')] })]);
    expect(refusals.map((r) => r.pointer)).toEqual(['/plan', '/licences/0/licenceId']);
  });
});
