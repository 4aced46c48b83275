/**
 * A setting that cannot produce a sound deployment. The message names the context key and the value
 * so an operator can fix cdk.json or the `-c key=value` flag without reading the code.
 */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly value: unknown,
    readonly reason: string,
    /** Where to fix it; the default suits a known setting with a bad value. */
    fix = `set it in cdk.json "context" or with -c ${setting}=...`,
  ) {
    super(`Invalid setting "${setting}" = ${JSON.stringify(value) ?? 'undefined'}: ${reason} (${fix})`);
    this.name = 'ConfigError';
  }
}
