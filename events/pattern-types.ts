/**
 * The JSON shape of an EventBridge event pattern (see the EventBridge user guide, "Event patterns" and
 * "Comparison operators"). Kept loose on purpose: the matcher validates operators at compile time and
 * reports a readable error, as PutRule would.
 */
export type PatternScalar = string | number | boolean | null;

/** One element of a field's match list: a literal value or an operator object. */
export type PatternMatcher = PatternScalar | { [operator: string]: unknown };

export interface EventPattern {
  [field: string]: PatternMatcher[] | EventPattern | EventPattern[];
}
