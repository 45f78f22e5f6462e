import { MAX_WRITE_ELAPSED_MS, remainingAfterWrite } from '../../../workflows/kernel/wake-up-timer';

// Issue 14, defect 3: workflow time stands still for a task while its local activities run, and the
// server starts the timer only when the task completes; the time the task's write took is spent.
describe('remainingAfterWrite', () => {
  const taskStart = Date.UTC(2026, 2, 2, 9, 0, 0);
  const at = taskStart + 60_000;

  it('arms for what remains after a write in the same task', () => {
    expect(remainingAfterWrite(at, taskStart, { writtenAt: taskStart + 341, taskTime: taskStart })).toBe(60_000 - 341);
  });

  it('ignores a write from an earlier task (its time is already in this task start)', () => {
    expect(remainingAfterWrite(at, taskStart, { writtenAt: taskStart + 341, taskTime: taskStart - 5_000 })).toBe(60_000);
    expect(remainingAfterWrite(at, taskStart, undefined)).toBe(60_000);
  });

  it('never counts a worker clock behind the server as time gained', () => {
    expect(remainingAfterWrite(at, taskStart, { writtenAt: taskStart - 2_000, taskTime: taskStart })).toBe(60_000);
  });

  it('bounds what a worker clock far ahead can take off', () => {
    expect(remainingAfterWrite(at, taskStart, { writtenAt: taskStart + 3_600_000, taskTime: taskStart })).toBe(
      60_000 - MAX_WRITE_ELAPSED_MS,
    );
  });

  it('still needs a task whose time reaches the instant when the write ran past it', () => {
    expect(remainingAfterWrite(taskStart + 100, taskStart, { writtenAt: taskStart + 400, taskTime: taskStart })).toBe(1);
  });
});
