/**
 * The support console in a real headless Chromium against the real API, Temporal (time-skipping
 * server) and PostgreSQL: sign-in, the live queue, a ticket's page and commands, what a customer
 * key sees, products, keyboard use and a phone-width layout. Screenshots go to test/artifacts/console/.
 */
import type { Page } from 'playwright-core';
import { catalog, compileCalendar } from '../../policies/index';
import { seedIsodeQuarter } from '../fixtures/isode-quarter';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { launchConsoleBrowser, type ConsoleBrowser } from './browser';

/** A policy whose one clock counts around the clock, so the queue's countdown ticks whenever the test runs. */
const consolePolicy = {
  id: 'console',
  name: 'Console drill',
  version: 1,
  source: 'test/console: a first response within 50 minutes, around the clock',
  calendars: [{ id: 'always', name: 'Around the clock', version: 1, zone: 'UTC', alwaysOpen: true, source: 'drill' }],
  defaultCalendar: 'always',
  severities: [{ id: 's1', name: 'S1', rank: 1, definition: 'Down.' }],
  plans: [{ id: 'drill', name: 'Drill', prioritySetBy: 'customer', source: 'drill' }],
  targets: { drill: { s1: { firstResponse: { duration: 'PT50M', escalateTo: 'supportManagement', source: 'drill' } } } },
  waitingOnCustomer: { clock: 'pause', source: 'drill' },
};

const WAIT = { timeout: 20_000 };
const DAY = 86_400_000;
// GA in two months, End of Sales a year later: outside the six-month notice period, which the policy refuses.
const GA = new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10);
const EOS = new Date(Date.now() + 425 * DAY).toISOString().slice(0, 10);

describe('the support console in a browser', () => {
  let ll: RunningLifeline;
  let browser: ConsoleBrowser;
  const keys: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const key = async (role: string, customerId?: string) => {
    const r = await call(ll.url, 'POST', '/v1/api-keys', {
      key: ll.adminKey,
      body: { name: `${role} ${customerId ?? ''}`, role, customerId },
    });
    expect(r.status).toBe(201);
    return r.body.key as string;
  };
  const open = async (name: string, body: Record<string, unknown>) => {
    const r = await call(ll.url, 'POST', '/v1/tickets', {
      key: ll.adminKey,
      body: { title: name, description: `${name}: no mail.`, ...body },
    });
    expect(r.status).toBe(201);
    ids[name] = r.body.ticketId;
  };

  /** Signs in through the form, as a person would. */
  const signIn = async (apiKey: string, viewport?: { width: number; height: number }): Promise<Page> => {
    const page = await browser.page(viewport);
    await page.goto(`${ll.url}/console/`);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Queue' }).waitFor(WAIT);
    return page;
  };

  beforeAll(async () => {
    ll = await startLifeline();
    browser = await launchConsoleBrowser();
    const stored = await call(ll.url, 'PUT', '/v1/policies/console', {
      key: ll.adminKey,
      body: { reason: 'console tests', document: consolePolicy },
    });
    expect(stored.status).toBeLessThan(300);
    [keys.engineer, keys.acme, keys.globex] = await Promise.all([key('engineer'), key('customer', 'acme'), key('customer', 'globex')]);
    await open('Relay down', { customerId: 'acme', policyId: 'console', plan: 'drill', severity: 's1' });
    await open('Acme gateway slow', { customerId: 'acme', policyId: 'isode', plan: 'gold', severity: 'p3', product: 'M-Switch' });
    await open('Globex archive', { customerId: 'globex', policyId: 'isode', plan: 'silver', severity: 'p2', product: 'M-Switch' });
    const product = await call(ll.url, 'PUT', '/v1/products/relay', {
      key: ll.adminKey,
      body: { name: 'Relay', policyId: 'infotecs', zone: 'Europe/Moscow' },
    });
    expect(product.status).toBe(201);
    const version = await call(ll.url, 'POST', '/v1/products/relay/versions', {
      key: ll.adminKey,
      body: { major: '4', ga: GA, eos: EOS },
    });
    expect(version.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await ll?.stop();
  });

  it('serves the console under the CSP with no inline script and nothing from elsewhere', async () => {
    const res = await fetch(`${ll.url}/console/queue`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc).toBe("'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script>(?!<)/);
    expect(html).not.toMatch(/https?:\/\//);
    const config = await (await fetch(`${ll.url}/console/config.json`)).json();
    expect(config).toMatchObject({ temporalNamespace: expect.any(String), pollSeconds: 15 });
  });

  it('refuses a wrong key with a clear message, and signs in with the keyboard alone', async () => {
    const page = await browser.page();
    await page.goto(`${ll.url}/console/`);
    await page.getByLabel('API key').fill('not-a-key');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'was not accepted (401)' }).waitFor(WAIT);
    await page.reload();
    // From the top of the page: Tab until the key field has focus (bounded), type, Tab to the button, Enter.
    await page.locator('body').focus();
    for (let i = 0; i < 10 && (await page.evaluate<string | undefined>('document.activeElement?.id')) !== 'api-key'; i++)
      await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('api-key');
    await page.keyboard.type(keys.engineer);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Sign in');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Queue' }).waitFor(WAIT);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('lifeline.apiKey')")).toBe(keys.engineer);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Lifeline console' }).waitFor(WAIT);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('lifeline.apiKey')")).toBeNull();
    await page.close();
  });

  it('counts a ticket down in the queue without a reload, soonest due first', async () => {
    const page = await signIn(keys.engineer);
    await page.evaluate('window.notReloaded = true');
    const countdown = page.locator(`tr[data-ticket="${ids['Relay down']}"] .target time`);
    await countdown.waitFor(WAIT);
    const first = await countdown.textContent();
    expect(first).toMatch(/^due in \d+ m \d\d s( working time)?, \w{3} \d\d:\d\d$/);
    // Between polls (every 15 s) only the browser's ticking moves it; a bounded wait, no timing asserted.
    await countdown.filter({ hasNotText: first! }).waitFor(WAIT);
    expect(await countdown.textContent()).not.toBe(first);
    expect(await page.evaluate<boolean | undefined>('window.notReloaded')).toBe(true);
    // The drill ticket is due first (50 minutes), then the Isode ones (working days).
    expect(await page.locator('tr[data-ticket]').first().getAttribute('data-ticket')).toBe(ids['Relay down']);
    expect(await page.getByText('Updated every 15 s').count()).toBe(1);
    // A filter narrows the queue.
    await page.getByLabel('Plan').fill('silver');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator(`tr[data-ticket="${ids['Relay down']}"]`).waitFor({ ...WAIT, state: 'detached' });
    expect(await page.locator('tr[data-ticket]').count()).toBe(1);
    expect(await page.locator('tr[data-ticket]').getAttribute('data-ticket')).toBe(ids['Globex archive']);
    await page.getByLabel('Plan').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator(`tr[data-ticket="${ids['Relay down']}"]`).waitFor(WAIT);
    expect(await page.locator('tr[data-ticket]').count()).toBe(3);
    await browser.screenshot(page, 'queue');
    await page.close();
  });

  it('opens a ticket, responds, and shows the first-response target met', async () => {
    const page = await signIn(keys.engineer);
    await page.getByRole('link', { name: 'Relay down' }).click();
    await page.getByRole('heading', { name: 'Relay down' }).waitFor(WAIT);
    expect(await page.locator('svg.timeline').count()).toBe(1);
    const link = page.getByRole('link', { name: /in the Temporal UI/ });
    expect(await link.getAttribute('href')).toMatch(new RegExp(`/namespaces/[^/]+/workflows/ticket-${ids['Relay down']}$`));
    const respond = page.locator('section.command[data-command="respond"]');
    await respond.getByLabel('Message to the customer').fill('We are on it.');
    await respond.getByRole('button', { name: 'Respond' }).click();
    await page.locator('tr[data-target="firstResponse"] td').first().filter({ hasText: /^met$/ }).waitFor(WAIT);
    expect(await page.locator('ol.events li[data-event="responded"]').count()).toBe(1);
    await browser.screenshot(page, 'ticket');
    await page.close();
  });

  it('replays a ticket under another plan on its page, for staff only', async () => {
    const ticket = (await call(ll.url, 'GET', `/v1/tickets/${ids['Acme gateway slow']}`, { key: keys.engineer })).body;
    const ukOffice = compileCalendar(catalog.isode.calendars.find((c) => c.id === 'uk-office')!);
    const bronzeDue = new Date(ukOffice.due(Date.parse(ticket.openedAt), '3 working days')).toISOString();
    const page = await signIn(keys.engineer);
    await page.getByRole('link', { name: 'Acme gateway slow' }).click();
    await page.getByRole('heading', { name: 'What if…' }).waitFor(WAIT);
    await page.getByLabel('Plan').selectOption('bronze');
    await page.getByRole('button', { name: 'Replay' }).click();
    const row = page.locator('#what-if-result tr[data-target="firstResponse#1"]');
    await row.waitFor(WAIT);
    expect(await row.locator('td[data-label="Due (what-if)"] time').getAttribute('datetime')).toBe(bronzeDue);
    expect(await row.locator('td[data-label="It would have had"]').textContent()).toBe('running');
    await browser.screenshot(page, 'what-if');
    await page.close();
    // A customer key's ticket page has no what-if panel.
    const customer = await signIn(keys.acme);
    await customer.getByRole('link', { name: 'Acme gateway slow' }).click();
    await customer.getByRole('heading', { name: 'Acme gateway slow' }).waitFor(WAIT);
    expect(await customer.getByRole('heading', { name: 'What if…' }).count()).toBe(0);
    await customer.close();
  });

  it('shows a customer key its own tickets only and refuses another customer’s page', async () => {
    const page = await signIn(keys.globex);
    await page.locator('tr[data-ticket]').first().waitFor(WAIT);
    const shown = await page.locator('tr[data-ticket]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket')));
    expect(shown).toEqual([ids['Globex archive']]);
    await page.goto(`${ll.url}/console/tickets/${ids['Relay down']}`);
    await page
      .getByRole('alert')
      .filter({ hasText: `Ticket ${ids['Relay down']} does not exist` })
      .waitFor(WAIT);
    await page.close();
  });

  it('shows why a command is refused, before and at submit', async () => {
    const customer = await signIn(keys.acme);
    await customer.goto(`${ll.url}/console/tickets/${ids['Acme gateway slow']}`);
    await customer.getByRole('heading', { name: 'Acme gateway slow' }).waitFor(WAIT);
    await customer.getByText(/^Not available now/).click();
    const refused = customer.locator('section.command[data-command="respond"] .refusal');
    expect(await refused.textContent()).toBe('Not available: a customer key cannot send this; it needs one of the roles: engineer');
    await customer.close();

    const staff = await signIn(keys.engineer);
    await staff.goto(`${ll.url}/console/tickets/${ids['Acme gateway slow']}`);
    const ask = staff.locator('section.command[data-command="request-information"]');
    await ask.waitFor(WAIT);
    // Closed behind the page's back: the form is still there, the workflow refuses it.
    expect((await call(ll.url, 'POST', `/v1/tickets/${ids['Acme gateway slow']}/close`, { key: keys.engineer, body: {} })).status).toBe(
      200,
    );
    await ask.getByLabel('What is needed').fill('Which version?');
    await ask.getByRole('button', { name: 'Request information' }).click();
    await ask.getByRole('alert').filter({ hasText: 'Refused (409): a closed ticket cannot be asked for information' }).waitFor(WAIT);
    await staff.close();
  });

  it("shows each product version's lifecycle milestones and feeds", async () => {
    const page = await signIn(keys.engineer);
    await page.getByRole('link', { name: 'Products' }).click();
    const version = page.locator('section.version[data-version="relay 4"]');
    await version.waitFor(WAIT);
    const text = await version.locator('dl.milestones').textContent();
    expect(text).toContain(`GA${GA}`);
    expect(text).toContain(`EOS${EOS}`);
    expect(text).toMatch(/EOMS\d{4}-\d\d-\d\d/);
    expect(text).toMatch(/EOL\d{4}-\d\d-\d\d/);
    expect(await version.locator('svg.lifecycle circle').count()).toBeGreaterThanOrEqual(4);
    expect(await page.getByRole('link', { name: 'iCalendar feed' }).getAttribute('href')).toBe('/api/v1/products/relay/calendar.ics');
    await browser.screenshot(page, 'products');
    await page.close();
  });

  it('shows the Isode promise for a seeded quarter: 29 of 35 incidents relieved in time, 82.9 % against 90 %', async () => {
    await seedIsodeQuarter(ll.db.pool);
    const page = await signIn(keys.engineer);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByLabel('From', { exact: true }).fill('2026-01-01');
    await page.getByLabel('To', { exact: true }).fill('2026-04-01');
    await page.getByLabel('Policy', { exact: true }).fill('isode');
    await page.getByRole('button', { name: 'Show report' }).click();
    const goal = page.locator('#report-body tr').filter({ hasText: '002 Relief and Resolution' });
    await goal.waitFor(WAIT);
    expect(await goal.locator('td').allTextContents()).toEqual(expect.arrayContaining(['35', '29', '82.9 %', '90 %', 'no']));
    expect(await page.locator('#report-body svg.chart').count()).toBeGreaterThan(0);
    await browser.screenshot(page, 'reports');
    await page.close();
  });

  it('fits a phone: no horizontal scroll on the queue, a ticket and products at 375 px', async () => {
    const page = await signIn(keys.engineer, { width: 375, height: 812 });
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    await page.locator('tr[data-ticket]').first().waitFor(WAIT);
    expect(await overflow()).toBe(0);
    await page.goto(`${ll.url}/console/tickets/${ids['Relay down']}`);
    await page.getByRole('heading', { name: 'Relay down' }).waitFor(WAIT);
    expect(await overflow()).toBe(0);
    await page.goto(`${ll.url}/console/products`);
    await page.locator('section.version').first().waitFor(WAIT);
    expect(await overflow()).toBe(0);
    await browser.screenshot(page, 'products-phone');
    await page.close();
  });
});
