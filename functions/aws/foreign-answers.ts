/**
 * An answer that is not AWS's (an HTML 500 from a proxy, a 404 page from an emulator that lacks the API) reaches the
 * caller from the SDK as `SyntaxError: Unexpected token '<'` or a bare `Unknown`, naming neither the call nor the
 * status. This middleware, outermost (after the SDK's own retries), rewrites such an error into one that says both.
 * Real AWS errors (a code in an XML or JSON body) pass through untouched.
 */
import type { InitializeHandler, InitializeHandlerArguments, MetadataBearer, MiddlewareStack } from '@smithy/types';

export class ForeignAnswerError extends Error {
  override readonly name = 'ForeignAnswerError';
  constructor(
    message: string,
    readonly statusCode: number,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

interface SdkErrorShape {
  readonly $fault?: unknown;
  readonly $response?: { readonly statusCode?: number; readonly headers?: Record<string, string | undefined> };
}

/** The SDK's marks of an answer it could not read as AWS's: no error code parsed, or an HTML body. */
export function isForeignAnswer(error: unknown): error is Error & SdkErrorShape {
  if (!(error instanceof Error)) return false;
  const { $fault, $response } = error as SdkErrorShape;
  if ($response?.statusCode === undefined) return false;
  const contentType = $response.headers?.['content-type'] ?? '';
  return $fault === undefined || /text\/html/i.test(contentType) || ['Unknown', 'UnknownError'].includes(error.message);
}

export function describeForeignAnswer(error: Error & SdkErrorShape, clientName: string, commandName: string): ForeignAnswerError {
  const service = clientName.replace(/Client$/, '');
  const operation = commandName.replace(/Command$/, '');
  const status = error.$response?.statusCode ?? 0;
  const contentType = error.$response?.headers?.['content-type'];
  const detail = error.message.split('\n')[0] ?? '';
  return new ForeignAnswerError(
    `${service} ${operation} answered HTTP ${status}${contentType ? ` (${contentType})` : ''}, which is not an AWS response (${detail}): ` +
      'is the endpoint an AWS API, or a proxy or emulator that does not serve this call?',
    status,
    { cause: error },
  );
}

interface ClientWithStack<I extends object, O extends MetadataBearer> {
  readonly middlewareStack: MiddlewareStack<I, O>;
}

export function nameForeignAnswers<C extends ClientWithStack<I, O>, I extends object, O extends MetadataBearer>(client: C): C {
  client.middlewareStack.add(
    (next: InitializeHandler<I, O>, context) => async (args: InitializeHandlerArguments<I>) => {
      try {
        return await next(args);
      } catch (error) {
        if (isForeignAnswer(error)) throw describeForeignAnswer(error, String(context.clientName), String(context.commandName));
        throw error;
      }
    },
    { step: 'initialize', name: 'egressForeignAnswers', override: true },
  );
  return client;
}
