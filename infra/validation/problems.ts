import { ConfigError } from './config-error';

/**
 * Every invalid setting of one synth, reported together: fixing cdk.json one error per run is slow. The message is
 * one line per setting, ready to print without a stack trace (infra/app.ts does).
 */
export class InvalidConfiguration extends Error {
  override readonly name = 'InvalidConfiguration';
  constructor(readonly problems: readonly ConfigError[]) {
    super(problems.map((problem) => problem.message).join('\n'));
  }
}

/** Runs each check, keeping its value or its ConfigError, so that one bad setting does not hide the next. */
export class ProblemCollector {
  private readonly found: ConfigError[] = [];

  /** The check's value, or undefined when it failed (its problem is kept). */
  check<T>(validate: () => T): T | undefined {
    try {
      return validate();
    } catch (error) {
      if (error instanceof InvalidConfiguration) {
        this.found.push(...error.problems);
        return undefined;
      }
      if (error instanceof ConfigError) {
        this.found.push(error);
        return undefined;
      }
      throw error;
    }
  }

  add(problem: ConfigError): void {
    this.found.push(problem);
  }

  get problems(): readonly ConfigError[] {
    return this.found;
  }

  /** Throws every problem found so far, if there is any. */
  throwIfAny(): void {
    if (this.found.length > 0) throw new InvalidConfiguration(this.found);
  }
}
