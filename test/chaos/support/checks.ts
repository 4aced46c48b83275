/** Invariant checks as data: each seed reports how many it made and which failed, with what was seen. */
export interface CheckResult {
  name: string;
  held: boolean;
  detail?: string;
}

export class Checks {
  readonly results: CheckResult[] = [];

  check(name: string, held: boolean, detail?: () => string): void {
    this.results.push({ name, held, ...(held || !detail ? {} : { detail: detail() }) });
  }

  failed(): CheckResult[] {
    return this.results.filter((result) => !result.held);
  }
}
