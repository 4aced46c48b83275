/** Option parsers the benchmarks' command lines share (commander). */
import { InvalidArgumentError } from 'commander';

/** A parser for an option that must be a number above 0, naming the option when it is not. */
export const positive = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!(parsed > 0)) throw new InvalidArgumentError(`${name} must be a positive number`);
  return parsed;
};
