// `npm test` runs the policy suites twice: with TZ=UTC and again with TZ=Asia/Tokyo. Results must
// never depend on the host's zone; this checks that each pass really ran in the zone it claims.
it('runs in the host time zone the test runner chose', () => {
  const expected = process.env.LIFELINE_EXPECT_TZ ?? 'UTC';
  expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(expected);
  expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).toBe(expected === 'Asia/Tokyo' ? -540 : 0);
});
