/**
 * A setting that cannot produce a sound deployment. The message names the context key and the value
 * so an operator can fix cdk.json or the `-c key=value` flag without reading the code.
 */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`Invalid setting "${setting}" = ${JSON.stringify(value) ?? 'undefined'}: ${reason} (set it in cdk.json "context" or with -c ${setting}=...)`);
    this.name = 'ConfigError';
  }
}
