import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, type CfnResource } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { buildApp, type EgressApp } from '../../infra/app';
import { readCdkJsonContext } from '../../infra/cdk-json-context';

/** A valid organization id, unlike the example default, so tests prove the setting is carried through. */
export const TEST_ORG_ID = 'o-a1b2c3d4e5';

/**
 * The whole app as `cdk synth` builds it, with the given context overrides. Lambda bundling is skipped
 * (`aws:cdk:bundling-stacks`): these suites assert the templates, and `npm run synth` proves the bundling.
 */
export function buildControlPlaneTestApp(overrides: Record<string, unknown> = {}): EgressApp {
  return buildApp({
    context: { ...readCdkJsonContext(), organizationId: TEST_ORG_ID, 'aws:cdk:bundling-stacks': [], ...overrides },
    outdir: mkdtempSync(join(tmpdir(), 'egress-control-plane-test-')),
  });
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function logicalIdOf(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnResource;
  const stack = Stack.of(resource);
  return String(stack.resolve(stack.getLogicalId(resource)));
}

export function resourceOf(template: Template, construct: IConstruct): TemplateResource {
  const resources = (template.toJSON() as { Resources: Record<string, TemplateResource> }).Resources;
  const resource = resources[logicalIdOf(construct)];
  if (resource === undefined) throw new Error(`no resource for ${construct.node.path}`);
  return resource;
}

/** Every statement a role carries: its inline policies and the AWS::IAM::Policy resources attached to it. */
export function statementsOf(template: Template, role: iam.Role): PolicyStatementJson[] {
  const roleId = logicalIdOf(role);
  const resources = (template.toJSON() as { Resources: Record<string, TemplateResource> }).Resources;
  const inline = ((resources[roleId]?.Properties.Policies ?? []) as { PolicyDocument: { Statement: PolicyStatementJson[] } }[])
    .flatMap((policy) => policy.PolicyDocument.Statement);
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement);
  return [...inline, ...attached];
}

export const actionsOf = (statement: PolicyStatementJson): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOf = (statement: PolicyStatementJson): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** The statements that grant `action`. */
export function grantsOf(statements: readonly PolicyStatementJson[], action: string): PolicyStatementJson[] {
  return statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));
}

export function allActions(statements: readonly PolicyStatementJson[]): string[] {
  return [...new Set(statements.flatMap(actionsOf))].sort();
}
