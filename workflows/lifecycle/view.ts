/** What the Temporal UI shows of a lifecycle: its current details. Pure. */
import type { LifecycleState } from './contract';

export function currentDetails(state: LifecycleState, heldWrites = 0): string {
  const m = state.milestones;
  const lines = [
    `**${state.phase}**${state.onSale ? ' · on sale' : ''} · ${state.policyId} · dates are days in ${state.zone}`,
    `GA ${state.inputs.ga} · EOS ${m.eos ?? '—'} · EOMS ${m.eoms ?? '—'}${m.provisional ? ' (provisional)' : ''} · EOL ${m.eol ?? '—'}`,
  ];
  if (state.nextAt) lines.push(`next: ${state.nextWhat} at ${state.nextAt}`);
  if (state.supportedMinors.length) lines.push(`supported minors: ${state.supportedMinors.join(', ')}`);
  if (heldWrites > 0) lines.push(`⚠ ${heldWrites} events held: the database refuses them (write_failures; signal retryWrites once fixed)`);
  return lines.join('\n');
}
