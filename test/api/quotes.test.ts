import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

describe('commercial quotes over HTTP', () => {
  let ll: RunningLifeline;
  let customerKey: string;

  beforeAll(async () => {
    ll = await startLifeline();
    const created = await call(ll.url, 'POST', '/v1/api-keys', {
      key: ll.adminKey,
      body: { name: 'quotes customer', role: 'customer', customerId: 'acme' },
    });
    expect(created.status).toBe(201);
    customerKey = created.body.key;
  });

  afterAll(async () => {
    await ll?.stop();
  });

  const post = (path: string, body: unknown, key = customerKey) => call(ll.url, 'POST', path, { key, body });

  it('quotes an Infotecs support year with the upgrade as its own line (000 §3), for any key', async () => {
    const r = await post('/v1/quotes/renewal', {
      policyId: 'infotecs',
      licencePrice: { amount: 12_345, currency: 'EUR' },
      year: 2,
      upgradeToNextMajor: true,
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      policyId: 'infotecs',
      policyVersion: 1,
      amount: 6_173,
      currency: 'EUR',
      percent: 20,
      source: '000 §3 Technical Support Plans',
      lines: [
        {
          item: 'supportYear',
          description: 'Support year 2 (a year after the first): 20 % of the licence price',
          percent: 20,
          amount: 2_469,
          source: '000 §3 Technical Support Plans',
        },
        {
          item: 'upgradeToNextMajor',
          description: 'Upgrade to the next major version: 30 % of the licence price',
          percent: 30,
          amount: 3_704, // 3703.5, rounded half up
          source: '000 §3 Technical Support Plans',
        },
      ],
    });
  });

  it('quotes both ISPsystem co-terming alternatives (10.2.1, 10.2.2)', async () => {
    const r = await post('/v1/quotes/co-terming', {
      policyId: 'ispsystem',
      purchasedOn: '2027-08-31',
      existingEndsOn: '2028-03-06',
      monthlyPrice: { amount: 2_499, currency: 'USD' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      policyId: 'ispsystem',
      policyVersion: 1,
      remainder: { months: 6, days: 6 }, // Aug 31 + 6 months = Feb 29 2028, then 6 days
      servicesEndOn: '2028-03-06',
      uniform: { months: 7, rounded: 'up', amount: { amount: 17_493, currency: 'USD' } },
      standardTerm: { months: 12, amount: { amount: 29_988, currency: 'USD' } },
      source: '001 10.2.1–10.2.2',
    });
  });

  it('quotes an ISPsystem back payment for the whole missed period (9.7)', async () => {
    const r = await post('/v1/quotes/back-payment', {
      policyId: 'ispsystem',
      updatesEndedOn: '2023-03-01',
      purchasedOn: '2026-03-02',
      annualPrice: { amount: 120_000, currency: 'EUR' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      policyId: 'ispsystem',
      missedMonths: 37,
      missed: { months: 36, days: 1 },
      amount: 370_000,
      currency: 'EUR',
      priceOn: '2026-03-02',
      source: '001 9.7',
    });
    expect(r.body.note).toMatch(/technical support for the previous period cannot be requested/);
  });

  it.each([
    [
      'a policy without the rule',
      '/v1/quotes/renewal',
      { policyId: 'isode', licencePrice: { amount: 100, currency: 'EUR' }, year: 1 },
      '/policyId',
      /policy "isode" publishes no support fees/,
    ],
    [
      'an unknown policy',
      '/v1/quotes/back-payment',
      { policyId: 'acme', updatesEndedOn: '2023-03-01', purchasedOn: '2026-03-01', annualPrice: { amount: 1, currency: 'EUR' } },
      '/policyId',
      /unknown policy "acme"; expected one of isode, xecuritas, ispsystem, infotecs/,
    ],
    [
      'an end before the purchase',
      '/v1/quotes/co-terming',
      { policyId: 'ispsystem', purchasedOn: '2026-05-01', existingEndsOn: '2026-04-30' },
      '/existingEndsOn',
      /must end after the purchase date/,
    ],
    [
      'a policy without the co-terming rule',
      '/v1/quotes/co-terming',
      { policyId: 'infotecs', purchasedOn: '2026-05-01', existingEndsOn: '2026-09-30' },
      '/policyId',
      /policy "infotecs" publishes no co-terming rule/,
    ],
    [
      'a year before the first',
      '/v1/quotes/renewal',
      { policyId: 'infotecs', licencePrice: { amount: 100, currency: 'EUR' }, year: 0 },
      '/year',
      /Too small|>=1/,
    ],
    [
      'a fractional amount',
      '/v1/quotes/renewal',
      { policyId: 'infotecs', licencePrice: { amount: 10.5, currency: 'EUR' }, year: 1 },
      '/licencePrice/amount',
      /int/i,
    ],
    [
      'a lower-case currency',
      '/v1/quotes/back-payment',
      { policyId: 'ispsystem', updatesEndedOn: '2023-03-01', purchasedOn: '2026-03-01', annualPrice: { amount: 1, currency: 'eur' } },
      '/annualPrice/currency',
      /ISO 4217/,
    ],
    [
      'a date that does not exist',
      '/v1/quotes/back-payment',
      { policyId: 'ispsystem', updatesEndedOn: '2023-02-29', purchasedOn: '2026-03-01', annualPrice: { amount: 1, currency: 'EUR' } },
      '/updatesEndedOn',
      /real calendar date/,
    ],
    [
      'an unknown field',
      '/v1/quotes/co-terming',
      { policyId: 'ispsystem', purchasedOn: '2026-05-01', existingEndsOn: '2026-09-30', discount: 10 },
      '/discount',
      /unknown field/,
    ],
  ])('answers %s with 400 problem+json naming the field', async (_what, path, body, pointer, detail) => {
    const r = await post(path, body);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body).toMatchObject({ type: '/problems/validation-failed', status: 400 });
    expect(r.body.errors).toEqual([{ pointer, detail: expect.stringMatching(detail) }]);
  });

  it('needs a key, answers 405 with Allow to another method, and is in the OpenAPI document', async () => {
    const noKey = await call(ll.url, 'POST', '/v1/quotes/renewal', { body: {} });
    expect(noKey.status).toBe(401);
    const get = await call(ll.url, 'GET', '/v1/quotes/renewal', { key: customerKey });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const doc = (await call(ll.url, 'GET', '/openapi.json')).body;
    for (const path of ['/v1/quotes/renewal', '/v1/quotes/co-terming', '/v1/quotes/back-payment']) {
      expect(Object.keys(doc.paths[path])).toEqual(['post']);
    }
    // The built-ins that publish each rule are named; a stored policy may publish one too, so no enum.
    expect(doc.components.schemas.RenewalQuoteRequest.properties.policyId.description).toMatch(/built-ins infotecs;/);
    expect(doc.components.schemas.CoTermingQuoteRequest.properties.policyId.description).toMatch(/built-ins ispsystem;/);
  });
});
