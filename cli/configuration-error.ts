/** Wrong or missing configuration: the message names both the flag and the variable (exit 2). */
export class CliConfigurationError extends Error {
  override readonly name = 'CliConfigurationError';
}
