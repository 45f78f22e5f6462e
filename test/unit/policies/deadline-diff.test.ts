import { diffDeadlines } from '../../../policies/deadline-diff';

const d = (ticketId: string, kind: string, dueAt: string | null) => ({ ticketId, kind, dueAt });

describe('diffDeadlines: what a new version does to open tickets', () => {
  it('counts later, earlier, unchanged, new and gone, and names the earliest move', () => {
    const current = [
      d('T1', 'firstResponse', '2027-03-01T10:00:00.000Z'),
      d('T2', 'firstResponse', '2027-03-01T12:00:00.000Z'),
      d('T3', 'firstResponse', '2027-03-02T09:00:00.000Z'),
      d('T3', 'resolution', '2027-03-05T09:00:00.000Z'),
    ];
    const next = [
      d('T1', 'firstResponse', '2027-03-01T14:00:00.000Z'),
      d('T2', 'firstResponse', '2027-03-01T11:00:00.000Z'),
      d('T3', 'firstResponse', '2027-03-02T09:00:00Z'),
      d('T3', 'relief', '2027-03-03T09:00:00.000Z'),
    ];
    const diff = diffDeadlines(current, next, 3);
    expect(diff).toMatchObject({ tickets: 3, later: 1, earlier: 1, unchanged: 1, added: 1, removed: 1 });
    expect(diff.earliest).toEqual({
      ticketId: 'T2',
      kind: 'firstResponse',
      from: '2027-03-01T12:00:00.000Z',
      to: '2027-03-01T11:00:00.000Z',
    });
    expect(diff.summary).toBe(
      '3 open tickets: 1 deadline later, 1 earlier, 1 new, 1 gone; the earliest moves from 2027-03-01T12:00:00.000Z to 2027-03-01T11:00:00.000Z',
    );
    expect(diff.moves.map((m) => [m.ticketId, m.kind])).toEqual([
      ['T2', 'firstResponse'],
      ['T1', 'firstResponse'],
      ['T3', 'relief'],
      ['T3', 'resolution'],
    ]);
  });

  it('says so when nothing moves, and bounds the list', () => {
    expect(diffDeadlines([], [], 0).summary).toBe('0 open tickets: 0 deadlines later, 0 earlier');
    const many = Array.from({ length: 300 }, (_, i) => d(`T${i}`, 'firstResponse', '2027-01-01T00:00:00.000Z'));
    const moved = many.map((x) => ({ ...x, dueAt: '2027-01-02T00:00:00.000Z' }));
    const diff = diffDeadlines(many, moved, 300);
    expect(diff.later).toBe(300);
    expect(diff.moves).toHaveLength(200);
  });
});
