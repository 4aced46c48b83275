import type * as z from 'zod';

/**
 * A message that can never be processed: wrong shape, missing the id the handler needs. Handlers let it
 * propagate so the message is retried and then dead-lettered with this reason.
 */
export class MalformedEventError extends Error {
  constructor(
    readonly kind: string,
    readonly reason: string,
  ) {
    super(`malformed ${kind}: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

/** One line per ZodError: `path: message` for each issue, joined with "; ". */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.');
      return `${path.replace(/\.\[/g, '[') || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Parse with a schema, or throw MalformedEventError naming every failing field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, kind: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new MalformedEventError(kind, formatZodError(result.error));
  return result.data;
}

/** Parse a message body (SQS delivers text) as JSON, or throw MalformedEventError. */
export function parseJsonBody(body: string, kind: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new MalformedEventError(kind, `body is not JSON (${(error as Error).message})`);
  }
}
