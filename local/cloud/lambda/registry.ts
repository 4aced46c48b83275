/** The functions the embedder registered (LocalCloud.setFunctions), by ARN. */
import type { LocalFunction, LocalFunctionHandler } from '../api';
import { functionArn, type FunctionAddress } from './function-name';

export interface RegisteredFunction {
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
  readonly handler: LocalFunctionHandler;
  readonly timeoutSeconds: number;
}

/** Lambda's default timeout; the reconciler's stack sets 900. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export class FunctionRegistry {
  private byArn = new Map<string, RegisteredFunction>();

  constructor(private readonly defaults: { readonly accountId: string; readonly region: string }) {}

  /** Replaces every registered function (undefined: none), as setSinks replaces the sinks. */
  replace(functions: Readonly<Record<string, LocalFunction>> | undefined): void {
    const next = new Map<string, RegisteredFunction>();
    for (const [name, definition] of Object.entries(functions ?? {})) {
      // A registration mistake is the embedder's bug: fail at once, not on the first Invoke.
      if (!NAME.test(name)) throw new Error(`local cloud: "${name}" is not a Lambda function name (1-64 of a-z A-Z 0-9 _ -)`);
      const spec = typeof definition === 'function' ? { handler: definition } : definition;
      const accountId = spec.accountId ?? this.defaults.accountId;
      const region = spec.region ?? this.defaults.region;
      const timeoutSeconds = spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      if (!(timeoutSeconds >= 1 && timeoutSeconds <= 900)) throw new Error(`local cloud: function ${name}: timeoutSeconds must be 1-900, got ${timeoutSeconds}`);
      const arn = functionArn({ accountId, region, name });
      next.set(arn, { arn, accountId, region, name, handler: spec.handler, timeoutSeconds });
    }
    this.byArn = next;
  }

  find(address: Pick<FunctionAddress, 'accountId' | 'region' | 'name'>): RegisteredFunction | undefined {
    return this.byArn.get(functionArn(address));
  }

  list(): RegisteredFunction[] {
    return [...this.byArn.values()];
  }
}
