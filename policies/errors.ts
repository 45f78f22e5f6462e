/** A policy definition (catalog entry, user policy or contract override) that does not validate. */
export class PolicyError extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(issues.length ? `${message}\n${issues.map((i) => `  ${i.path || '(policy)'}: ${i.message}`).join('\n')}` : message);
    this.name = 'PolicyError';
  }
}

/** A bad input to previewSla or computeLifecycle; `field` names the input at fault. */
export class PolicyInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly allowed?: readonly string[],
  ) {
    super(`${field}: ${message}${allowed ? `; expected one of ${allowed.join(', ')}` : ''}`);
    this.name = 'PolicyInputError';
  }
}
