import { applyOverride, catalog, loadPolicy, PolicyError, previewSlaFor, type PolicyInput } from '../../../policies';
import { isode } from '../../../policies/catalog/isode';

describe('policy validation', () => {
  it('loads every catalog policy, each rule with its source paragraph', () => {
    for (const policy of Object.values(catalog)) {
      for (const bySeverity of Object.values(policy.targets)) {
        for (const byKind of Object.values(bySeverity)) {
          for (const target of Object.values(byKind)) expect(target?.source).toMatch(/^00[0-3] /);
        }
      }
      for (const rule of policy.calendarRules) expect(rule.source).toMatch(/^00[0-3] /);
    }
  });

  it('names the path of every bad field of a user policy', () => {
    const broken = {
      ...isode,
      id: 'acme-support',
      defaultCalendar: 'nowhere',
      calendars: [{ ...isode.calendars[0], zone: 'Europe/Londn', open: { mon: [{ from: '17:00', to: '09:00' }] } }],
      targets: { gold: { p1: { firstResponse: { duration: 'soon', source: 'x' } } }, platinum: {} },
    } as unknown as PolicyInput;
    let error: PolicyError | undefined;
    try {
      loadPolicy(broken);
    } catch (err) {
      error = err as PolicyError;
    }
    expect(error).toBeInstanceOf(PolicyError);
    const paths = error!.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['calendars[0].zone', 'calendars[0].open.mon[0]', 'targets.gold.p1.firstResponse.duration']),
    );
    expect(error!.message).toMatch(/invalid policy "acme-support"/);
    expect(error!.message).toMatch(/calendars\[0\]\.zone: expected an IANA time zone/);
  });

  it('checks references between rules once the shape is right', () => {
    const dangling = { ...isode, defaultCalendar: 'nowhere', targets: { platinum: {} } } as unknown as PolicyInput;
    expect(() => loadPolicy(dangling)).toThrow(/defaultCalendar: no calendar "nowhere"[\s\S]*targets\.platinum: no plan "platinum"/);
  });

  it("takes compliance goals as data: Isode 002's 90 % relief goal, and refuses one on a target kind the policy lacks", () => {
    expect(catalog.isode.goals).toEqual([
      expect.objectContaining({ id: 'relief90', target: 'relief', share: 0.9, ticketTypes: ['incident'] }),
    ]);
    expect(catalog.xecuritas.goals).toEqual([]);
    const goal = { id: 'g', target: 'resolution', share: 0.95, text: 'resolved in time', source: 'x' };
    let error: PolicyError | undefined;
    try {
      loadPolicy({
        ...isode,
        id: 'acme-goals',
        goals: [goal, { ...goal, target: 'relief', share: 1.5 }, { ...goal, target: 'relief' }],
      } as PolicyInput);
    } catch (err) {
      error = err as PolicyError;
    }
    expect(error!.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['goals[0].target', 'goals[1].share']));
    expect(error!.message).toMatch(/goals\[0\]\.target: no target of kind "resolution" in this policy/);
    expect(() =>
      loadPolicy({
        ...isode,
        id: 'acme-goals',
        goals: [
          { ...goal, target: 'relief' },
          { ...goal, target: 'relief' },
        ],
      } as PolicyInput),
    ).toThrow(/goals\[1\]\.id: goals\[0\] is already goal "g"/);
  });
});

describe('contract overrides', () => {
  it('merges a partial policy over the base and validates it the same way', () => {
    // An Infotecs agreement that sets a 2-hour response for critical tickets on the Premium plan.
    const agreement = applyOverride(catalog.infotecs, {
      version: 2,
      targets: {
        premium: { critical: { firstResponse: { duration: '2 hours', escalateTo: 'accountManager', source: '000 §1 agreement' } } },
      },
    });
    const preview = previewSlaFor(agreement, { plan: 'premium', severity: 'critical', openedAt: '2026-03-02T06:00:00Z' });
    expect(preview).toMatchObject({ policyVersion: 2, targets: [{ kind: 'firstResponse', dueAt: '2026-03-02T08:00:00.000Z' }] });
    expect(previewSlaFor(agreement, { plan: 'basic', severity: 'critical', openedAt: '2026-03-02T06:00:00Z' }).targets).toEqual([]);
    // The base policy is untouched.
    expect(catalog.infotecs.targets).toEqual({});
  });

  it('refuses an override that breaks the policy, naming the field', () => {
    expect(() =>
      applyOverride(catalog.isode, { targets: { gold: { p1: { firstResponse: { duration: '4 fortnights', source: 'x' } } } } } as never),
    ).toThrow(/targets\.gold\.p1\.firstResponse\.duration/);
  });

  it('lets a contract give ISPsystem development hours a public-holiday region', () => {
    const spec = catalog.ispsystem.calendars.find((c) => c.id === 'ispsystem-development')!;
    const withHolidays = applyOverride(catalog.ispsystem, {
      calendars: catalog.ispsystem.calendars.map((c) =>
        c.id === spec.id ? { ...c, version: 2, holidays: [{ kind: 'fixed', name: 'New Year', month: 1, day: 1, observe: 'none' }] } : c,
      ),
    } as never);
    const input = { plan: 'standard', severity: 'high', product: 'VMmanager', needsCodeChange: true, openedAt: '2025-12-31T14:00:00Z' };
    // 16 working hours from Wednesday 14:00: 1 h that day, 9 on Thursday, 6 on Friday (or, with 1 January closed, the Monday).
    expect(previewSlaFor(catalog.ispsystem, input).targets[0].dueAt).toBe('2026-01-02T12:00:00.000Z');
    expect(previewSlaFor(withHolidays, input).targets[0]).toMatchObject({ dueAt: '2026-01-05T12:00:00.000Z', calendarVersion: 2 });
  });
});
