/**
 * PutPermission and RemovePermission on a bus of the caller's account. `Policy` replaces the whole resource policy
 * (what CloudFormation's AWS::Events::EventBusPolicy and the local hub bootstrap send); the short form (StatementId,
 * Action, Principal, Condition) adds or replaces one Allow statement. A policy the local cloud cannot evaluate is
 * refused with ValidationException naming what it lacks, rather than stored and half-enforced.
 */
import { AwsError } from '../framework';
import type { CallContext } from '../framework';
import { parseResourcePolicy, PolicyDocumentError, policyDocument, type ResourcePolicy } from '../core/resource-policy';
import { busAddress, type EventBus, type EventBusRegistry } from './buses';

/** EventBridge: "The permission policy on the event bus cannot exceed 10 KB in size." */
const MAX_POLICY_BYTES = 10 * 1024;

export function putPermission(buses: EventBusRegistry, input: Record<string, unknown>, ctx: CallContext): void {
  const bus = ownBus(buses, input.EventBusName, ctx);
  const document = typeof input.Policy === 'string' ? input.Policy : policyDocument([...statementsWithout(bus.policy, sidOf(input)), shortFormStatement(input, bus)]);
  if (Buffer.byteLength(document) > MAX_POLICY_BYTES) {
    throw new AwsError('PolicyLengthExceededException', 'The event bus policy is too long: the limit is 10 KB.', 400);
  }
  buses.setPolicy(bus, parsed(document));
}

export function removePermission(buses: EventBusRegistry, input: Record<string, unknown>, ctx: CallContext): void {
  const bus = ownBus(buses, input.EventBusName, ctx);
  if (input.RemoveAllPermissions === true) {
    buses.setPolicy(bus, undefined);
    return;
  }
  const sid = typeof input.StatementId === 'string' ? input.StatementId : '';
  const remaining = statementsWithout(bus.policy, sid);
  if (remaining.length === rawStatements(bus.policy).length) {
    throw new AwsError('ResourceNotFoundException', 'Statement with the provided id does not exist.', 400);
  }
  buses.setPolicy(bus, remaining.length === 0 ? undefined : parsed(policyDocument(remaining)));
}

function ownBus(buses: EventBusRegistry, name: unknown, ctx: CallContext): EventBus {
  const address = busAddress(typeof name === 'string' ? name : undefined, ctx);
  if (address.accountId !== ctx.accountId) {
    throw new AwsError('AccessDeniedException', `User: ${ctx.callerArn} is not authorized to change the policy of event bus ${address.name}.`, 400);
  }
  return buses.require(address);
}

function sidOf(input: Record<string, unknown>): string {
  if (typeof input.StatementId !== 'string' || input.StatementId === '') {
    throw new AwsError('ValidationException', 'StatementId is required unless Policy is given.', 400);
  }
  return input.StatementId;
}

function shortFormStatement(input: Record<string, unknown>, bus: EventBus): object {
  const { Action, Principal, Condition } = input;
  if (Action !== 'events:PutEvents') throw new AwsError('ValidationException', 'Action must be events:PutEvents.', 400);
  if (typeof Principal !== 'string' || !(Principal === '*' || /^\d{12}$/.test(Principal))) {
    throw new AwsError('ValidationException', 'Principal must be a 12-digit account id or "*".', 400);
  }
  const condition = Condition as { Type?: unknown; Key?: unknown; Value?: unknown } | undefined;
  return {
    Sid: sidOf(input),
    Effect: 'Allow',
    Principal: Principal === '*' ? '*' : { AWS: `arn:aws:iam::${Principal}:root` },
    Action,
    Resource: bus.arn,
    ...(condition === undefined ? {} : { Condition: { [String(condition.Type)]: { [String(condition.Key)]: condition.Value } } }),
  };
}

function parsed(document: string): ResourcePolicy {
  try {
    return parseResourcePolicy(document);
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw new AwsError('ValidationException', `Invalid policy: ${error.message}`, 400);
    throw error;
  }
}

function rawStatements(policy: ResourcePolicy | undefined): { Sid?: unknown }[] {
  if (policy === undefined) return [];
  const statement = (JSON.parse(policy.document) as { Statement?: unknown }).Statement;
  return (Array.isArray(statement) ? statement : [statement]) as { Sid?: unknown }[];
}

function statementsWithout(policy: ResourcePolicy | undefined, sid: string): object[] {
  return rawStatements(policy).filter((statement) => statement.Sid !== sid);
}
