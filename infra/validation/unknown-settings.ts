import { nearestName } from './nearest-name';
import { ConfigError } from './config-error';

/**
 * A mistyped key (`minTask`) would otherwise be ignored and its default silently used. Keys shaped like this app's
 * settings (camelCase) that it does not read are refused, with the nearest known key suggested; other keys are the
 * CDK's own (feature flags `@aws-cdk/...`, lookups and CLI settings with `:` or `-`) and are left alone.
 */
export function unknownSettings(context: Readonly<Record<string, unknown>>, known: readonly string[]): ConfigError[] {
  return Object.entries(context)
    .filter(([key]) => /^[a-z][A-Za-z0-9]*$/.test(key) && !known.includes(key))
    .map(([key, value]) => {
      const nearest = nearestName(key, known);
      return new ConfigError(
        key,
        value,
        `not a setting of this app${nearest === undefined ? '' : `; did you mean "${nearest}"?`}`,
        'rename or remove it in cdk.json "context" or the -c flag; the settings are listed in README.md',
      );
    });
}
