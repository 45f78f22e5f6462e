import {
  applyOverride,
  caseFieldIssues,
  catalog,
  computeLifecycle,
  loadPolicy,
  PolicyInputError,
  supportScope,
  ticketRulesDigest,
  type PolicyInput,
  type ScopeQuestion,
} from '../../../policies';
import { infotecs as infotecsInput } from '../../../policies/catalog/infotecs';
import { catalogIssues } from '../../../api/schemas';

const ticket = { type: 'incident', channel: 'portal' };

describe('required case fields are policy data (Xecuritas 003 Customer Communication)', () => {
  const complete = {
    policyId: 'xecuritas',
    plan: 'standard',
    severity: 'sev2',
    contractId: 'C-1',
    contact: { name: 'Ann', email: 'ann@example.com' },
    productVersion: '9.1',
    details: { environment: 'RHEL 9 on x86-64' },
  };

  it('Xecuritas states the four fields a ticket must carry, with the paragraph', () => {
    expect(catalog.xecuritas.requiredCaseFields).toEqual({
      fields: [
        { field: 'contractId', detail: 'Xecuritas cases record the contract ID (003)' },
        { field: 'contact', detail: 'Xecuritas cases record a contact name and details (003)' },
        { field: 'productVersion', detail: 'Xecuritas cases record the software version (003)' },
        { field: 'details.environment', detail: 'Xecuritas cases record the hardware and operating system (003)' },
      ],
      source: '003 Customer Communication and Necessary Information',
    });
    for (const id of ['isode', 'ispsystem', 'infotecs'] as const) expect(catalog[id].requiredCaseFields).toBeUndefined();
  });

  it('names every missing field by its pointer, in the order of the policy', () => {
    expect(caseFieldIssues(catalog.xecuritas, { policyId: 'xecuritas' })).toEqual([
      { pointer: '/contractId', detail: 'Xecuritas cases record the contract ID (003)' },
      { pointer: '/contact', detail: 'Xecuritas cases record a contact name and details (003)' },
      { pointer: '/productVersion', detail: 'Xecuritas cases record the software version (003)' },
      { pointer: '/details/environment', detail: 'Xecuritas cases record the hardware and operating system (003)' },
    ]);
    expect(caseFieldIssues(catalog.xecuritas, complete)).toEqual([]);
  });

  it('a contact is a name with an email address or a phone number', () => {
    const pointers = (contact: unknown) => caseFieldIssues(catalog.xecuritas, { ...complete, contact }).map((i) => i.pointer);
    expect(pointers({ name: 'Ann' })).toEqual(['/contact']);
    expect(pointers({ name: 'Ann', email: '' })).toEqual(['/contact']);
    expect(pointers('Ann')).toEqual(['/contact']);
    expect(pointers({ name: 'Ann', phone: '+1 555 0100' })).toEqual([]);
  });

  it('a policy without the rule requires nothing; an override gives any policy one', () => {
    expect(caseFieldIssues(catalog.isode, { policyId: 'isode' })).toEqual([]);
    const strict = applyOverride(catalog.isode, {
      requiredCaseFields: {
        fields: [
          { field: 'product', detail: 'name the product' },
          { field: 'details.companyName', detail: 'name the company' },
        ],
        source: 'agreement §4',
      },
    });
    expect(caseFieldIssues(strict, { details: {} })).toEqual([
      { pointer: '/product', detail: 'name the product' },
      { pointer: '/details/companyName', detail: 'name the company' },
    ]);
    expect(caseFieldIssues(strict, { product: 'M-Switch', details: { companyName: 'Acme' } })).toEqual([]);
  });

  it('refuses an unknown case field, naming its path', () => {
    expect(() =>
      applyOverride(catalog.isode, { requiredCaseFields: { fields: [{ field: 'shoeSize', detail: 'x' }], source: 'x' } } as never),
    ).toThrow(/requiredCaseFields\.fields\[0\]\.field/);
  });

  it('the API reports them with the catalog identifiers, for Xecuritas only', () => {
    expect(catalogIssues({ policyId: 'xecuritas', plan: 'standard', severity: 'sev1', contact: { name: 'Ann' } })).toEqual([
      { pointer: '/contractId', detail: 'Xecuritas cases record the contract ID (003)' },
      { pointer: '/contact', detail: 'Xecuritas cases record a contact name and details (003)' },
      { pointer: '/productVersion', detail: 'Xecuritas cases record the software version (003)' },
      { pointer: '/details/environment', detail: 'Xecuritas cases record the hardware and operating system (003)' },
    ]);
    expect(catalogIssues(complete)).toEqual([]);
    expect(catalogIssues({ policyId: 'isode', plan: 'gold', severity: 'p1' })).toEqual([]);
  });
});

describe('the hot-fix rule is Isode data (002 Relief and Resolution), in the ticket digest', () => {
  it('Isode records a hot fix for priority 1 and 2 only', () => {
    expect(catalog.isode.hotfix).toEqual({ maxSeverityRank: 2, source: '002 Relief and Resolution' });
    for (const severity of ['p1', 'p2', 'p3', 'p4']) {
      expect(ticketRulesDigest(catalog.isode, { ...ticket, plan: 'gold', severity }).hotfixRule).toEqual({
        maxSeverityRank: 2,
        source: '002 Relief and Resolution',
      });
    }
  });

  it('is null under a policy without the rule', () => {
    expect(ticketRulesDigest(catalog.xecuritas, { ...ticket, plan: 'standard', severity: 'sev3' }).hotfixRule).toBeNull();
    expect(ticketRulesDigest(catalog.ispsystem, { ...ticket, plan: 'privilege', severity: 'low' }).hotfixRule).toBeNull();
    expect(ticketRulesDigest(catalog.infotecs, { ...ticket, plan: 'basic', severity: 'minor' }).hotfixRule).toBeNull();
  });

  it('follows an override, and refuses a rank below 1', () => {
    const custom = applyOverride(catalog.isode, { hotfix: { maxSeverityRank: 3, source: 'custom package' } });
    expect(ticketRulesDigest(custom, { ...ticket, plan: 'silver', severity: 'p3' }).hotfixRule).toEqual({
      maxSeverityRank: 3,
      source: 'custom package',
    });
    expect(() => applyOverride(catalog.isode, { hotfix: { maxSeverityRank: 0 } })).toThrow(/hotfix\.maxSeverityRank/);
  });
});

describe('support-scope texts are policy data (Infotecs 000 §2, ISPsystem 8.3)', () => {
  const ask = (policy: keyof typeof catalog, q: Partial<ScopeQuestion>, minor?: Parameters<typeof supportScope>[1]) =>
    supportScope(catalog[policy].lifecycle, minor, { phase: 'mainstream', type: 'bug', severityRank: 2, ...q });

  it('Infotecs answers each phase with its own texts and paragraphs', () => {
    expect(ask('infotecs', { phase: 'announced' })).toEqual({
      decision: 'refused',
      text: 'This version is not released yet; a pilot can be requested before its GA.',
      source: '000 §2 pilot before GA',
    });
    expect(ask('infotecs', { phase: 'pilot' })).toEqual({ decision: 'covered', text: 'Covered.', source: '000 §2 pilot' });
    expect(ask('infotecs', { phase: 'mainstream' })).toEqual({ decision: 'covered', text: 'Covered.', source: 'mainstream support' });
    expect(ask('infotecs', { phase: 'extended', type: 'bug', severityRank: 2 })).toEqual({
      decision: 'billable',
      text: 'Extended Support: this is fixed only under an additional, paid agreement.',
      source: '000 §2 Extended Support period',
    });
    expect(ask('infotecs', { phase: 'extended', type: 'question' })).toEqual({
      decision: 'refused',
      text: 'Extended Support covers vulnerabilities and critical bugs only.',
      source: '000 §2 Extended Support period',
    });
    expect(ask('infotecs', { phase: 'extended', type: 'vulnerability', severityRank: 3 })).toEqual({
      decision: 'covered',
      text: 'Covered by Extended Support.',
      source: 'mainstream support',
    });
    expect(ask('infotecs', { phase: 'endOfLife' })).toEqual({
      decision: 'refused',
      text: 'This version has reached End of Life: there is no support for it.',
      source: '000 §2 "After the product EOL…"',
    });
  });

  it('ISPsystem cites 8.3 for an outdated minor, given the rule or only its text', () => {
    const rule = catalog.ispsystem.minorVersions[0];
    expect(rule.outdatedSource).toBe('001 8.3');
    const expected = { decision: 'knownSolutionsOnly', text: rule.outdated, source: '001 8.3' };
    expect(ask('ispsystem', { minorOutdated: true }, rule)).toEqual(expected);
    expect(ask('ispsystem', { minorOutdated: true }, rule.outdated)).toEqual(expected);
    // A rule recorded before it had outdatedSource still cites the catalog's paragraph.
    expect(ask('ispsystem', { minorOutdated: true }, { outdated: rule.outdated, source: rule.source })).toEqual(expected);
  });

  it('a policy without texts gets generic ones, citing no other vendor', () => {
    expect(ask('ispsystem', { phase: 'announced' })).toEqual({
      decision: 'refused',
      text: 'This version is not released yet.',
      source: 'before General Availability',
    });
    expect(ask('ispsystem', { phase: 'pilot' })).toEqual({ decision: 'covered', text: 'Covered.', source: 'pilot' });
    expect(ask('xecuritas', { phase: 'endOfLife' })).toEqual({
      decision: 'refused',
      text: 'This version has reached End of Life: there is no support for it.',
      source: 'End of Life',
    });
    expect(ask('isode', { minorOutdated: true }, { outdated: 'Upgrade to 19.0.', source: 'agreement §9' })).toEqual({
      decision: 'knownSolutionsOnly',
      text: 'Upgrade to 19.0.',
      source: 'agreement §9',
    });
    expect(ask('isode', { minorOutdated: true })).toEqual({
      decision: 'knownSolutionsOnly',
      text: 'This minor release is outdated.',
      source: 'outdated minor release',
    });
    // Extended-support rules without texts of their own.
    const { billableText: _b, refusedText: _r, ...bare } = catalog.infotecs.lifecycle!.extendedSupport!;
    const rules = { ...catalog.infotecs.lifecycle!, extendedSupport: bare, scope: undefined };
    expect(supportScope(rules, undefined, { phase: 'extended', type: 'bug', severityRank: 2 }).text).toBe(
      'Extended Support: this is fixed only under a paid agreement.',
    );
    expect(supportScope(rules, undefined, { phase: 'extended', type: 'question', severityRank: 2 }).text).toBe(
      'Extended Support does not cover this.',
    );
    expect(supportScope(rules, undefined, { phase: 'announced', type: 'bug', severityRank: 2 }).source).toBe('before General Availability');
  });

  it('an override changes a text and its paragraph', () => {
    const agreed = applyOverride(catalog.infotecs, {
      lifecycle: { scope: { endOfLife: { text: 'Covered by the extension agreement only.', source: 'agreement §2' } } },
    });
    expect(supportScope(agreed.lifecycle, undefined, { phase: 'endOfLife', type: 'bug', severityRank: 1 })).toEqual({
      decision: 'refused',
      text: 'Covered by the extension agreement only.',
      source: 'agreement §2',
    });
    // The other phases keep the catalog's texts.
    expect(supportScope(agreed.lifecycle, undefined, { phase: 'pilot', type: 'bug', severityRank: 1 }).source).toBe('000 §2 pilot');
  });
});

describe('quotas and fees are not policy data until they are enforced', () => {
  it('the Infotecs policy carries neither, and the schema drops them', () => {
    expect('quotas' in catalog.infotecs || 'fees' in catalog.infotecs).toBe(false);
    const old = { ...infotecsInput, quotas: { resolvedTicketsPerYear: 40, rollover: true, source: '000 §3' } } as PolicyInput;
    expect('quotas' in loadPolicy(old)).toBe(false);
  });

  it('the lifecycle error names the catalog policies that have lifecycle rules', () => {
    let error: unknown;
    try {
      computeLifecycle({ policy: 'isode', ga: '2026-01-01' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyInputError);
    expect((error as PolicyInputError).field).toBe('policy');
    expect((error as PolicyInputError).allowed).toEqual(['infotecs']);
    expect((error as PolicyInputError).message).toBe('policy: policy "isode" has no lifecycle rules; expected one of infotecs');
  });
});
