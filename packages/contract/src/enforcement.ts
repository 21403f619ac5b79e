// Fail-closed enforcement: the execution state and what may leave the
// product follow from the decision alone, so nothing but `accept` can
// release anything.
import type { Decision, EnforcementLayer, ExecutionState } from './types.js';

export const EXECUTION_STATE: Readonly<Record<Decision, ExecutionState>> = {
  accept: 'released',
  pending: 'restricted',
  reject: 'halted_safe',
};

/** Outputs each state may emit, most permissive last (the reference's list for `released`). */
export const ALLOWED_OUTPUTS: Readonly<Record<ExecutionState, readonly string[]>> = {
  halted_safe: ['normalized_contract'],
  restricted: ['normalized_contract', 'verification_page_inputs'],
  released: ['normalized_contract', 'public_verification_artifacts', 'verification_page_inputs'],
};

export function enforcementFor(decision: Decision): EnforcementLayer {
  const state = EXECUTION_STATE[decision];
  return { fail_closed: true, execution_state: state, allowed_outputs: [...ALLOWED_OUTPUTS[state]] };
}
