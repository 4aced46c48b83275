/**
 * A small, faithful subset of IAM's evaluation of a resource-based policy: Allow and Deny statements, `Principal`
 * (`*`, an account id or root ARN, another ARN), `Action` and `Resource` with `*` and `?` wildcards, and the
 * condition operators StringEquals, StringNotEquals, StringLike and StringNotLike. A policy using anything else is
 * refused when it is stored (`parseResourcePolicy` throws), never half-evaluated: an emulator that ignored a
 * condition would admit what AWS refuses.
 *
 * Evaluation follows IAM's logic for one policy: an explicit Deny wins, then an Allow, else nothing allows it.
 * Whether "nothing allows it" is enough (the resource owner's own principals) is the caller's business.
 */

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** `undefined` never happens in a stored statement: a resource policy must name its principals. */
  readonly principals: '*' | readonly string[];
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Operator -> condition key (lower case, keys are case-insensitive) -> accepted values. */
  readonly conditions: readonly ConditionClause[];
}

export interface ConditionClause {
  readonly operator: ConditionOperator;
  readonly key: string;
  readonly values: readonly string[];
}

export const CONDITION_OPERATORS = ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike'] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export interface ResourcePolicy {
  /** The document as stored and returned (DescribeEventBus answers it verbatim). */
  readonly document: string;
  readonly statements: readonly PolicyStatement[];
}

/** Who asks, what for, and the request context the conditions read (keys in lower case). */
export interface AccessRequest {
  readonly principal: { readonly accountId: string; readonly arns: readonly string[] };
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | undefined>>;
}

export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** A policy the local cloud cannot store: the message says what is wrong or not emulated. */
export class PolicyDocumentError extends Error {
  override readonly name = 'PolicyDocumentError';
}

export function evaluateResourcePolicy(policy: ResourcePolicy | undefined, request: AccessRequest): PolicyDecision {
  const matching = (policy?.statements ?? []).filter((statement) => statementApplies(statement, request));
  if (matching.some((statement) => statement.effect === 'Deny')) return 'explicit-deny';
  return matching.some((statement) => statement.effect === 'Allow') ? 'allow' : 'implicit-deny';
}

export function parseResourcePolicy(document: string): ResourcePolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw new PolicyDocumentError('the policy is not valid JSON');
  }
  if (!isRecord(parsed)) throw new PolicyDocumentError('the policy must be a JSON object');
  const raw = parsed.Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]).map((statement, index) => parseStatement(statement, index));
  return { document, statements };
}

export function policyDocument(statements: readonly object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function statementApplies(statement: PolicyStatement, request: AccessRequest): boolean {
  return (
    principalMatches(statement.principals, request.principal) &&
    statement.actions.some((pattern) => wildcardMatch(pattern.toLowerCase(), request.action.toLowerCase())) &&
    statement.resources.some((pattern) => wildcardMatch(pattern, request.resource)) &&
    statement.conditions.every((clause) => conditionHolds(clause, request.context[clause.key]))
  );
}

/** `*` is anyone; an account id or `arn:...:iam::ACCOUNT:root` is any principal of that account; else the ARN. */
function principalMatches(principals: PolicyStatement['principals'], principal: AccessRequest['principal']): boolean {
  if (principals === '*') return true;
  return principals.some((named) => {
    if (named === '*') return true;
    const account = /^\d{12}$/.test(named) ? named : /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(named)?.[1];
    return account !== undefined ? account === principal.accountId : principal.arns.includes(named);
  });
}

function conditionHolds(clause: ConditionClause, actual: string | undefined): boolean {
  // IAM: a key missing from the request matches no value, so only the negated operators hold.
  switch (clause.operator) {
    case 'StringEquals':
      return actual !== undefined && clause.values.includes(actual);
    case 'StringNotEquals':
      return actual === undefined || !clause.values.includes(actual);
    case 'StringLike':
      return actual !== undefined && clause.values.some((pattern) => wildcardMatch(pattern, actual));
    case 'StringNotLike':
      return actual === undefined || !clause.values.some((pattern) => wildcardMatch(pattern, actual));
  }
}

/** IAM's wildcards: `*` any run of characters, `?` any one character; everything else literal. */
function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

function parseStatement(input: unknown, index: number): PolicyStatement {
  const where = `Statement[${index}]`;
  if (!isRecord(input)) throw new PolicyDocumentError(`${where} must be an object`);
  for (const unsupported of ['NotPrincipal', 'NotAction', 'NotResource']) {
    if (unsupported in input) throw new PolicyDocumentError(`${where}: ${unsupported} is not emulated by the local cloud`);
  }
  const { Sid, Effect, Principal, Action, Resource, Condition } = input;
  if (Effect !== 'Allow' && Effect !== 'Deny') throw new PolicyDocumentError(`${where}: Effect must be Allow or Deny`);
  return {
    ...(typeof Sid === 'string' ? { sid: Sid } : {}),
    effect: Effect,
    principals: parsePrincipal(Principal, where),
    actions: stringList(Action, `${where}.Action`),
    resources: stringList(Resource, `${where}.Resource`),
    conditions: parseConditions(Condition, where),
  };
}

function parsePrincipal(input: unknown, where: string): PolicyStatement['principals'] {
  if (input === '*') return '*';
  if (!isRecord(input)) throw new PolicyDocumentError(`${where}.Principal must be "*" or {"AWS": ...}`);
  const unsupported = Object.keys(input).filter((type) => type !== 'AWS');
  if (unsupported.length > 0) throw new PolicyDocumentError(`${where}.Principal: ${unsupported.join(', ')} principals are not emulated by the local cloud`);
  const named = stringList(input.AWS, `${where}.Principal.AWS`);
  return named.includes('*') ? '*' : named;
}

function parseConditions(input: unknown, where: string): ConditionClause[] {
  if (input === undefined) return [];
  if (!isRecord(input)) throw new PolicyDocumentError(`${where}.Condition must be an object`);
  return Object.entries(input).flatMap(([operator, keys]) => {
    if (!(CONDITION_OPERATORS as readonly string[]).includes(operator)) {
      throw new PolicyDocumentError(
        `${where}.Condition: the operator ${operator} is not emulated by the local cloud (it evaluates ${CONDITION_OPERATORS.join(', ')})`,
      );
    }
    if (!isRecord(keys)) throw new PolicyDocumentError(`${where}.Condition.${operator} must map condition keys to values`);
    return Object.entries(keys).map(([key, values]) => ({
      operator: operator as ConditionOperator,
      key: key.toLowerCase(),
      values: stringList(values, `${where}.Condition.${operator}.${key}`),
    }));
  });
}

function stringList(input: unknown, where: string): string[] {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0 || !list.every((item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')) {
    throw new PolicyDocumentError(`${where} must be a string or a list of strings`);
  }
  return list.map(String);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
