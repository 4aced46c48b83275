import type { InitializeHandler, InitializeHandlerArguments, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { nameForeignAnswers } from '../functions/aws/foreign-answers';
import { isDeniedMessage, type DeniedAction } from './errors';

/** The IAM service prefix of each SDK client the CLI uses. */
const SERVICE_PREFIX: Record<string, string> = {
  EC2Client: 'ec2',
  OrganizationsClient: 'organizations',
  RAMClient: 'ram',
  STSClient: 'sts',
  CloudWatchLogsClient: 'logs',
  EventBridgeClient: 'events',
  LambdaClient: 'lambda',
  SQSClient: 'sqs',
  S3Client: 's3',
};

/** Where the IAM action is not the API operation's name. */
const IAM_ACTION: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
};

export interface CallObserver {
  (call: { readonly service: string; readonly action: string }): void;
}

interface ClientWithStack<I extends object, O extends MetadataBearer> {
  readonly middlewareStack: MiddlewareStack<I, O>;
}

const instrumented = new WeakSet<object>();

/**
 * Adds two things to a client: a denied call's error gets the IAM action it needs (`ec2:DescribeVpcs`), since EC2's
 * UnauthorizedOperation message does not always say, and `deniedHint` when given (what setting would fix it); and
 * `observe` hears every call (the progress bar's phases).
 */
export function instrumentClient<I extends object, O extends MetadataBearer>(client: ClientWithStack<I, O>, observe?: CallObserver, deniedHint?: string): void {
  if (instrumented.has(client)) return;
  instrumented.add(client);
  // An HTML page from a proxy or an emulator names the call and the status instead of a parse error.
  nameForeignAnswers<ClientWithStack<I, O>, I, O>(client);
  client.middlewareStack.add(
    (next: InitializeHandler<I, O>, context) => async (args: InitializeHandlerArguments<I>) => {
      const service = SERVICE_PREFIX[String(context.clientName)] ?? String(context.clientName);
      const operation = `${service}:${String(context.commandName).replace(/Command$/, '')}`;
      const action = IAM_ACTION[operation] ?? operation;
      observe?.({ service, action });
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof Error && isDeniedMessage(`${error.name} ${error.message}`)) {
          Object.assign(error, { deniedAction: action, ...(deniedHint === undefined ? {} : { deniedHint }) } satisfies DeniedAction);
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'egressCliCallAnnotation' },
  );
}
