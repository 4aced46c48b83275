/* Template assertions (template.hasResourceProperties and friends) throw on mismatch. */
/* eslint jest/expect-expect: ["error", { "assertFunctionNames": ["expect", "template.*"] }] */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { hubBusPolicyStatements } from '../../events/hub-bus-policy';
import { deadLetterQueuePhysicalName, queuePhysicalName } from '../../events/queue-names';
import { QUEUES, QUEUE_NAMES } from '../../events/routes';
import type { EgressApp } from '../../infra/app';
import { CONTROL_PLANE_FUNCTIONS, type ControlPlaneFunction } from '../../infra/control-plane-config';
import { AUDIT_QUERIES } from '../../infra/constructs/audit-queries';
import { QUEUE_CONSUMERS, queueOf, type ControlPlaneStack } from '../../infra/stacks/control-plane-stack';
import {
  actionsOf,
  allActions,
  buildControlPlaneTestApp,
  grantsOf,
  logicalIdOf,
  resourceOf,
  resourcesOf,
  statementsOf,
  TEST_ORG_ID,
  type PolicyStatementJson,
} from './control-plane-app';
import { unacknowledgedFindings } from './support/nag';

/** What each function may call besides its logs and its own queue (derived from functions/aws/*.ts). */
const EXPECTED_ACTIONS: Record<ControlPlaneFunction, string[]> = {
  'account-onboarding': [
    'ec2:DescribeVpcEndpointConnections',
    'ec2:DescribeVpcEndpointServicePermissions',
    'ec2:ModifyVpcEndpointServicePermissions',
    'ec2:RejectVpcEndpointConnections',
    'events:PutEvents',
    'ram:AssociateResourceShare',
    'ram:DisassociateResourceShare',
    'ram:GetResourceShareAssociations',
    's3:DeleteObject',
    's3:GetObject',
    's3:ListBucket',
    's3:PutObject',
    'sts:AssumeRole',
  ],
  'vpc-onboarding': ['events:PutEvents', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'sts:AssumeRole'],
  'connection-acceptance': [
    'ec2:AcceptVpcEndpointConnections',
    'ec2:DescribeVpcEndpointConnections',
    'ec2:DescribeVpcEndpointServicePermissions',
    'ec2:RejectVpcEndpointConnections',
    'sts:AssumeRole',
  ],
  reconciler: [
    'ec2:AcceptVpcEndpointConnections',
    'ec2:DescribeVpcEndpointConnections',
    'ec2:DescribeVpcEndpointServicePermissions',
    'ec2:ModifyVpcEndpointServicePermissions',
    'ec2:RejectVpcEndpointConnections',
    'events:PutEvents',
    'ram:AssociateResourceShare',
    'ram:DisassociateResourceShare',
    'ram:GetResourceShareAssociations',
    's3:DeleteObject',
    's3:GetObject',
    's3:ListBucket',
    's3:PutObject',
    'sts:AssumeRole',
  ],
  'account-reconciler': ['events:PutEvents', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'sts:AssumeRole'],
  'mapping-publisher': ['s3:GetObject', 's3:ListBucket', 's3:PutObject'],
};

const SPOKE_ROLE_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/EgressProxySpokeRole']] };
const ORG_READ_ROLE_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/EgressOrganizationsReadRole']] };
/** The ARNs above are CloudFormation expressions: compare them by value. */
const sameArn = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('control plane stack', () => {
  let egress: EgressApp;
  let stack: ControlPlaneStack;
  let template: Template;
  const statements = {} as Record<ControlPlaneFunction, PolicyStatementJson[]>;

  beforeAll(() => {
    egress = buildControlPlaneTestApp({ excludedAccountIds: '555555555555' });
    stack = egress.controlPlane.controlPlane;
    template = Template.fromStack(stack);
    for (const name of CONTROL_PLANE_FUNCTIONS) statements[name] = statementsOf(template, stack.functions[name].role);
  });

  it('passes cdk-nag AwsSolutions in every control-plane stack with every finding acknowledged', () => {
    const { controlPlane, management, stackSet, spokeTemplate } = egress.controlPlane;
    for (const scope of [controlPlane, management, stackSet, spokeTemplate]) {
      expect(unacknowledgedFindings(egress.app, scope)).toEqual([]);
    }
  });

  describe('hub event bus', () => {
    it('deploys exactly the policy of events/hub-bus-policy.ts, one EventBusPolicy per statement', () => {
      // Prepare: the statements as the local hub bootstrap puts them, for the bus CDK creates.
      const busArn = { 'Fn::GetAtt': [logicalIdOf(stack.bus.bus), 'Arn'] };
      const expected = hubBusPolicyStatements({ busArn: 'BUS_ARN', organizationId: TEST_ORG_ID, hubAccountId: '222222222222', managementAccountId: '111111111111' });

      // Act
      const policies = Object.values(template.findResources('AWS::Events::EventBusPolicy')) as { Properties: { EventBusName: unknown; StatementId: string; Statement: { Sid: string } } }[];

      // Assess: CDK prefixes each Sid with "cdk-" and names the bus by its ARN attribute.
      template.hasResourceProperties('AWS::Events::EventBus', { Name: 'EgressProxy-egress-control-plane' });
      expect(policies.map((policy) => policy.Properties.EventBusName)).toEqual(expected.map(() => ({ Ref: logicalIdOf(stack.bus.bus) })));
      expect(policies.map((policy) => policy.Properties.Statement)).toEqual(
        expected.map((statement) => ({ ...statement, Sid: `cdk-${statement.Sid}`, Resource: busArn })),
      );
      expect(policies.map((policy) => policy.Properties.StatementId)).toEqual(expected.map((statement) => `cdk-${statement.Sid}`));
    });

    it('admits no one by organization alone: every Allow names the source it admits, and the control plane source is denied to all but the hub', () => {
      const statements = hubBusPolicyStatements({ busArn: 'BUS_ARN', organizationId: TEST_ORG_ID, hubAccountId: '222222222222', managementAccountId: '111111111111' });

      expect(statements.filter((statement) => statement.Effect === 'Allow').map((statement) => statement.Condition.StringEquals?.['events:source'])).toEqual([
        'aws.tag',
        'aws.organizations',
      ]);
      expect(statements.find((statement) => statement.Effect === 'Deny')?.Condition).toEqual({
        StringEquals: { 'events:source': 'egress-control-plane' },
        StringNotEquals: { 'aws:PrincipalAccount': '222222222222' },
      });
    });
  });

  describe.each(QUEUE_NAMES)('the %s queue', (name) => {
    const definition = QUEUES[name];

    it('is encrypted, refuses plain HTTP, and dead-letters after the configured receives', () => {
      const { queue, deadLetterQueue } = stack.queues[name];
      for (const q of [queue, deadLetterQueue]) expect(resourceOf(template, q).Properties).toMatchObject({ SqsManagedSseEnabled: true });
      expect(resourceOf(template, queue).Properties).toMatchObject({
        VisibilityTimeout: definition.visibilityTimeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(deadLetterQueue), 'Arn'] },
          maxReceiveCount: definition.maxReceiveCount,
        },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('is named after the deployment, as `egress dead-letters` and the local cloud find it', () => {
      const { queue, deadLetterQueue } = stack.queues[name];
      expect(resourceOf(template, queue).Properties.QueueName).toBe(queuePhysicalName('EgressProxy', name));
      expect(resourceOf(template, deadLetterQueue).Properties.QueueName).toBe(deadLetterQueuePhysicalName('EgressProxy', name));
    });

    it('feeds its function with the batch size, window, concurrency bound and partial batch responses', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.queues[name].queue), 'Arn'] },
        FunctionName: { Ref: logicalIdOf(stack.functions[QUEUE_CONSUMERS[name]].function) },
        BatchSize: definition.batchSize,
        // A FIFO queue takes no batching window at all.
        MaximumBatchingWindowInSeconds: definition.batchingWindowSeconds === 0 ? Match.absent() : definition.batchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: definition.maxConcurrency },
      });
    });

    it('admits messages from EventBridge only for its own rule (at its intake, if grouped)', () => {
      const target = stack.queues[name].ruleTarget.queue;
      const rule = Object.values(stack.rules).find((r) => JSON.stringify(resourceOf(template, r).Properties.Targets).includes(logicalIdOf(target)));
      expect(rule).toBeDefined();
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(target) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: Match.arrayWith(['sqs:SendMessage']),
              Principal: { Service: 'events.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalIdOf(rule!), 'Arn'] } } },
            }),
          ]),
        },
      });
    });
  });

  describe('the vpc-onboarding queue, grouped by sending account', () => {
    it('is a high-throughput FIFO queue with a FIFO dead-letter queue, both named .fifo, behind an intake named after it', () => {
      const { queue, deadLetterQueue, intake } = stack.queues['vpc-onboarding'];
      expect(resourceOf(template, queue).Properties).toMatchObject({
        QueueName: 'EgressProxy-vpc-onboarding.fifo',
        FifoQueue: true,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      });
      expect(resourceOf(template, deadLetterQueue).Properties).toMatchObject({ QueueName: 'EgressProxy-vpc-onboarding-dead-letters.fifo', FifoQueue: true });
      expect(resourceOf(template, intake!.queue).Properties).toMatchObject({ QueueName: 'EgressProxy-vpc-onboarding-intake', VisibilityTimeout: 60 });
      expect(resourceOf(template, intake!.deadLetterQueue).Properties.QueueName).toBe('EgressProxy-vpc-onboarding-intake-dead-letters');
      expect(resourceOf(template, intake!.pipe).Properties.Name).toBe('EgressProxy-vpc-onboarding-intake');
    });

    it('is fed by a pipe from its intake queue that sets the group to the event account, deduplicates on the event id and sends the event whole', () => {
      const { queue, intake } = stack.queues['vpc-onboarding'];
      expect(intake).toBeDefined();
      expect(resourceOf(template, intake!.queue).Properties).not.toHaveProperty('FifoQueue');
      expect(resourceOf(template, intake!.pipe).Properties).toMatchObject({
        Source: { 'Fn::GetAtt': [logicalIdOf(intake!.queue), 'Arn'] },
        SourceParameters: { SqsQueueParameters: { BatchSize: 10 } },
        Target: { 'Fn::GetAtt': [logicalIdOf(queue), 'Arn'] },
        TargetParameters: {
          // Without a template the target would get the intake's whole SQS record, the event an escaped string in it.
          InputTemplate: '{"event": <$.body>}',
          SqsQueueParameters: { MessageGroupId: '$.body.account', MessageDeduplicationId: '$.body.id' },
        },
      });
      expect(resourceOf(template, stack.rules.OnboardVpcs!).Properties).toMatchObject({
        Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [logicalIdOf(intake!.queue), 'Arn'] } })],
      });
    });

    it("trusts the pipes service only on this account's behalf, to read the intake and send to the grouped queue, nothing more", () => {
      const { queue, intake } = stack.queues['vpc-onboarding'];
      const role = resourceOf(template, intake!.role) as unknown as { Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } } };
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: 'pipes.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } }),
      ]);
      const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: unknown[]; PolicyDocument: { Statement: PolicyStatementJson[] } } }[];
      const grants = policies.filter((policy) => JSON.stringify(policy.Properties.Roles).includes(logicalIdOf(intake!.role))).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      expect(grants).toEqual([
        expect.objectContaining({ Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: { 'Fn::GetAtt': [logicalIdOf(intake!.queue), 'Arn'] } }),
        expect.objectContaining({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [logicalIdOf(queue), 'Arn'] } }),
      ]);
    });
  });

  describe.each(CONTROL_PLANE_FUNCTIONS)('the %s function', (name) => {
    it('runs nodejs22.x on arm64 with its own log group, role and the validated settings', () => {
      const fn = stack.functions[name];
      expect(resourceOf(template, fn.function).Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Role: { 'Fn::GetAtt': [logicalIdOf(fn.role), 'Arn'] },
        LoggingConfig: { LogGroup: { Ref: logicalIdOf(fn.logGroup) } },
        Environment: {
          Variables: expect.objectContaining({
            HUB_EVENT_BUS_NAME: { Ref: logicalIdOf(stack.bus.bus) },
            ORG_READ_ROLE_ARN: ORG_READ_ROLE_ARN,
            IN_SCOPE_OU_IDS: 'ou-exam-pleou111',
            EXCLUDED_ACCOUNT_IDS: '555555555555',
            SPOKE_ROLE_NAME: 'EgressProxySpokeRole',
            PROXY_TAG_KEY: 'egress-proxy',
            PROXY_TAG_VALUE: 'enabled',
            PROXY_PORT: '3128',
            PARTITION: { Ref: 'AWS::Partition' },
            NODE_OPTIONS: '--enable-source-maps',
          }) as unknown,
        },
      });
      expect(resourceOf(template, fn.logGroup).Properties).toMatchObject({ RetentionInDays: 90 });
      expect(resourceOf(template, fn.role).Properties).toMatchObject({ RoleName: `EgressProxy-cp-${name}` });
      expect(resourceOf(template, fn.role).Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('may call exactly the actions its code makes', () => {
      const calls = allActions(statements[name]).filter((a) => !a.startsWith('logs:') && !a.startsWith('sqs:'));
      expect(calls).toEqual(EXPECTED_ACTIONS[name]);
    });

    it('uses "*" only for actions without resource-level permissions', () => {
      const wildcard = statements[name].filter((s) => resourcesOf(s).includes('*')).flatMap(actionsOf);
      expect(wildcard.filter((a) => !a.startsWith('ec2:Describe') && a !== 'ram:GetResourceShareAssociations')).toEqual([]);
    });

    it('writes logs only to its own log group and reads only its own queue', () => {
      const logGroupArn = { 'Fn::GetAtt': [logicalIdOf(stack.functions[name].logGroup), 'Arn'] };
      for (const s of statements[name].filter((st) => actionsOf(st).some((a) => a.startsWith('logs:')))) {
        expect(resourcesOf(s)).toEqual([logGroupArn]);
      }
      const queueArns = statements[name].filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:'))).flatMap(resourcesOf);
      // The reconciler has no queue: it runs on its schedule.
      const queueName = queueOf(name);
      const ownQueue = queueName === undefined ? [] : [{ 'Fn::GetAtt': [logicalIdOf(stack.queues[queueName].queue), 'Arn'] }];
      expect([...new Set(queueArns.map((arn) => JSON.stringify(arn)))]).toEqual(ownQueue.map((arn) => JSON.stringify(arn)));
    });
  });

  describe('IAM scoping', () => {
    it('scopes endpoint service writes to the hub service ARN', () => {
      for (const action of ['ec2:ModifyVpcEndpointServicePermissions', 'ec2:AcceptVpcEndpointConnections', 'ec2:RejectVpcEndpointConnections']) {
        const grants = CONTROL_PLANE_FUNCTIONS.flatMap((name) => grantsOf(statements[name], action));
        expect(grants.length).toBeGreaterThan(0);
        for (const grant of grants) {
          expect(resourcesOf(grant)).toHaveLength(1);
          const arn = JSON.stringify(resourcesOf(grant)[0]);
          expect(arn).toContain(':ec2:eu-west-2:222222222222:vpc-endpoint-service/');
          expect(arn).toContain('ServiceId');
        }
      }
    });

    it('assumes the spoke role only by its name and only inside the organization', () => {
      for (const name of ['vpc-onboarding', 'connection-acceptance', 'reconciler', 'account-reconciler'] as const) {
        const spoke = grantsOf(statements[name], 'sts:AssumeRole').filter((s) => resourcesOf(s).some((arn) => sameArn(arn, SPOKE_ROLE_ARN)));
        expect(spoke).toEqual([
          expect.objectContaining({ Resource: SPOKE_ROLE_ARN, Condition: { StringEquals: { 'aws:ResourceOrgID': TEST_ORG_ID } } }),
        ]);
      }
      expect(JSON.stringify(statements['account-onboarding'])).not.toContain('EgressProxySpokeRole');
    });

    it('assumes nothing else than the spoke role and the Organizations read role (the mapping publisher nothing at all)', () => {
      const assumed = (name: ControlPlaneFunction) => grantsOf(statements[name], 'sts:AssumeRole').flatMap(resourcesOf);
      for (const name of CONTROL_PLANE_FUNCTIONS.filter((fn) => fn !== 'mapping-publisher')) {
        expect(assumed(name).every((arn) => sameArn(arn, SPOKE_ROLE_ARN) || sameArn(arn, ORG_READ_ROLE_ARN))).toBe(true);
        expect(assumed(name)).toContainEqual(ORG_READ_ROLE_ARN);
      }
      expect(assumed('mapping-publisher')).toEqual([]);
    });

    it('lets each function touch only its own keys of the policy store', () => {
      const bucket = ':s3:::egressproxy-222222222222-eu-west-2';
      const objectGrants = (name: ControlPlaneFunction, action: string) =>
        grantsOf(statements[name], action).flatMap(resourcesOf).map((r) => JSON.stringify(r));
      for (const name of ['account-onboarding', 'vpc-onboarding', 'reconciler', 'account-reconciler'] as const) {
        expect(objectGrants(name, 's3:PutObject')).toEqual([expect.stringContaining(`${bucket}/mapping/accounts/*`)]);
        expect(objectGrants(name, 's3:DeleteObject')).toEqual([expect.stringContaining(`${bucket}/mapping/accounts/*`)]);
      }
      expect(objectGrants('mapping-publisher', 's3:PutObject')).toEqual([expect.stringContaining(`${bucket}/mapping/endpoints.json`)]);
      expect(objectGrants('mapping-publisher', 's3:DeleteObject')).toEqual([]);
      expect(objectGrants('connection-acceptance', 's3:GetObject')).toEqual([]);
    });

    it('lets only the hand-off and fan-out senders put events, and only on the hub bus', () => {
      const senders = CONTROL_PLANE_FUNCTIONS.filter((name) => grantsOf(statements[name], 'events:PutEvents').length > 0);
      expect(senders.sort()).toEqual(['account-onboarding', 'account-reconciler', 'reconciler', 'vpc-onboarding']);
      for (const name of senders) {
        expect(grantsOf(statements[name], 'events:PutEvents')).toEqual([
          expect.objectContaining({ Resource: { 'Fn::GetAtt': [logicalIdOf(stack.bus.bus), 'Arn'] } }),
        ]);
      }
    });

    it('lets only acceptance send messages: SendMessage alone, onto its own queue, whose URL only it is given', () => {
      const acceptanceQueue = stack.queues['connection-acceptance'].queue;
      const senders = CONTROL_PLANE_FUNCTIONS.filter((name) => grantsOf(statements[name], 'sqs:SendMessage').length > 0);
      expect(senders).toEqual(['connection-acceptance']);
      expect(grantsOf(statements['connection-acceptance'], 'sqs:SendMessage')).toEqual([
        expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [logicalIdOf(acceptanceQueue), 'Arn'] } }),
      ]);
      // SSE-SQS: the queue has no customer key, so sending needs no KMS grant (and none is given).
      expect(resourceOf(template, acceptanceQueue).Properties).toMatchObject({ SqsManagedSseEnabled: true });
      expect(resourceOf(template, acceptanceQueue).Properties.KmsMasterKeyId).toBeUndefined();
      expect(allActions(statements['connection-acceptance']).filter((a) => a.startsWith('kms:'))).toEqual([]);
      const variables = (name: ControlPlaneFunction) =>
        (resourceOf(template, stack.functions[name].function).Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
      expect(variables('connection-acceptance').ACCEPTANCE_QUEUE_URL).toEqual({ Ref: logicalIdOf(acceptanceQueue) });
      for (const name of CONTROL_PLANE_FUNCTIONS.filter((fn) => fn !== 'connection-acceptance')) expect(variables(name).ACCEPTANCE_QUEUE_URL).toBeUndefined();
    });

    it("tells acceptance how many of its environments share the hub's Accept bucket: its event source's maximum concurrency", () => {
      const variables = (name: ControlPlaneFunction) =>
        (resourceOf(template, stack.functions[name].function).Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping', {
        Properties: { FunctionName: { Ref: logicalIdOf(stack.functions['connection-acceptance'].function) } },
      })) as { Properties: { ScalingConfig: { MaximumConcurrency: number } } }[];
      expect(mappings).toHaveLength(1);
      expect(variables('connection-acceptance').HUB_CONNECTION_CALLERS).toBe(String(mappings[0]!.Properties.ScalingConfig.MaximumConcurrency));
      for (const name of CONTROL_PLANE_FUNCTIONS.filter((fn) => fn !== 'connection-acceptance')) expect(variables(name).HUB_CONNECTION_CALLERS).toBeUndefined();
    });

    it('modifies share principals only on the discovery share', () => {
      for (const name of ['account-onboarding', 'reconciler'] as const) {
        for (const grant of grantsOf(statements[name], 'ram:AssociateResourceShare')) {
          expect(resourcesOf(grant)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^DiscoveryShare/) as unknown, 'Arn'] }]);
        }
      }
    });
  });

  describe('connection notifications', () => {
    it("notifies an encrypted topic of the hub service's connection requests, the one event that asks for a decision", () => {
      template.hasResourceProperties('AWS::EC2::VPCEndpointConnectionNotification', {
        ConnectionEvents: ['Connect'],
        ServiceId: Match.anyValue(),
        ConnectionNotificationArn: { Ref: Match.stringLikeRegexp('^connectionacceptancenotificationsTopic') },
      });
      template.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^connectionacceptancenotificationsKey'), 'Arn'] },
      });
    });

    it('lets only vpce.amazonaws.com of this account publish, through the topic and key policies', () => {
      const vpce = { Effect: 'Allow', Principal: { Service: 'vpce.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } };
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ ...vpce, Action: 'sns:Publish' })]) },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ ...vpce, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] })]) },
      });
    });

    it('delivers SNS envelopes (raw delivery off) to the acceptance queue', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 1);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        Endpoint: { 'Fn::GetAtt': [logicalIdOf(stack.queues['connection-acceptance'].queue), 'Arn'] },
        RawMessageDelivery: false,
      });
    });
  });

  describe('reconciler', () => {
    it('runs on the schedule from events/routes.ts with retries and a dead-letter queue', () => {
      expect(resourceOf(template, stack.reconcilerSchedule).Properties).toMatchObject({
        ScheduleExpression: 'rate(1 hour)',
        Targets: [
          expect.objectContaining({
            Arn: { 'Fn::GetAtt': [logicalIdOf(stack.functions.reconciler.function), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^ReconcilerScheduleDeadLetters/) as unknown, 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          }),
        ],
      });
      expect(resourceOf(template, stack.functions.reconciler.function).Properties).toMatchObject({ Timeout: 900 });
    });

    it('is invoked by its continuation rule on the hub bus, with the same retries and dead-letter queue', () => {
      expect(resourceOf(template, stack.rules.ContinueReconcile!).Properties).toMatchObject({
        EventBusName: { Ref: logicalIdOf(stack.bus.bus) },
        EventPattern: { source: ['egress-control-plane'], 'detail-type': ['Reconcile Continuation Requested'] },
        Targets: [
          expect.objectContaining({
            Arn: { 'Fn::GetAtt': [logicalIdOf(stack.functions.reconciler.function), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^ReconcilerScheduleDeadLetters/) as unknown, 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          }),
        ],
      });
      // Lambda does not retry a failed run itself: that would republish its work items and fork its continuations.
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalIdOf(stack.functions.reconciler.function) },
        MaximumRetryAttempts: 0,
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalIdOf(stack.functions.reconciler.function), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.rules.ContinueReconcile!), 'Arn'] },
      });
    });

    it('has reserved concurrency: at most two runs at once, and those two always available; no other function reserves any', () => {
      expect(resourceOf(template, stack.functions.reconciler.function).Properties).toMatchObject({ ReservedConcurrentExecutions: 2 });
      for (const name of CONTROL_PLANE_FUNCTIONS.filter((fn) => fn !== 'reconciler')) {
        expect(resourceOf(template, stack.functions[name].function).Properties).not.toHaveProperty('ReservedConcurrentExecutions');
      }
    });

    it("fans out to the account reconciler, whose 15-minute passes fit the queue's visibility timeout", () => {
      expect(resourceOf(template, stack.functions['account-reconciler'].function).Properties).toMatchObject({ Timeout: 900 });
      expect(resourceOf(template, stack.queues['account-reconcile'].queue).Properties).toMatchObject({ VisibilityTimeout: 5400 });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalIdOf(stack.functions['account-reconciler'].function) },
        BatchSize: 5,
        ScalingConfig: { MaximumConcurrency: 50 },
      });
      expect(resourceOf(template, stack.rules.ReconcileAccounts!).Properties).toMatchObject({
        EventPattern: { source: ['egress-control-plane'], 'detail-type': ['Account Reconcile Requested'] },
      });
    });

    it('documents manual dry-run and apply invocations as outputs', () => {
      const outputs = template.toJSON() as { Outputs: Record<string, { Value: unknown }> };
      expect(JSON.stringify(outputs.Outputs.ReconcileDryRun?.Value)).toContain(`--payload '{\\"dryRun\\":true}'`);
      expect(JSON.stringify(outputs.Outputs.ReconcileApply?.Value)).toContain(`--payload '{\\"dryRun\\":false}'`);
      expect(JSON.stringify(outputs.Outputs.ReconcileFanOut?.Value)).toContain(`--payload '{\\"fanOut\\":true}'`);
    });
  });

  describe('operability', () => {
    it('saves the three audit-trail queries over every function log group', () => {
      template.resourceCountIs('AWS::Logs::QueryDefinition', 3);
      for (const query of Object.values(AUDIT_QUERIES)) {
        template.hasResourceProperties('AWS::Logs::QueryDefinition', {
          QueryString: query.toString(),
          LogGroupNames: CONTROL_PLANE_FUNCTIONS.map((name) => ({ Ref: logicalIdOf(stack.functions[name].logGroup) })),
        });
        expect(query.toString()).toContain('message = "audit"');
      }
    });

    it('counts audit errors from every function log group', () => {
      template.resourcePropertiesCountIs(
        'AWS::Logs::MetricFilter',
        {
          FilterPattern: '{ ($.message = "audit") && ($.audit.decision = "error") }',
          MetricTransformations: [{ MetricName: 'AuditErrors', MetricNamespace: 'EgressControlPlane', MetricValue: '1', DefaultValue: 0 }],
        },
        CONTROL_PLANE_FUNCTIONS.length,
      );
    });

    it('alarms on audit errors, on every function error and on any message in a dead-letter queue', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AuditErrors', Namespace: 'EgressControlPlane', Threshold: 1 });
      template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda' }, CONTROL_PLANE_FUNCTIONS.length);
      // The input queues' dead-letter queues, the grouped queue's intake's and the reconciler's (schedule and continuation).
      const intakes = QUEUE_NAMES.flatMap((name) => stack.queues[name].intake ?? []);
      template.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Statistic: 'Maximum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
        },
        QUEUE_NAMES.length + intakes.length + 1,
      );
      for (const deadLetterQueue of [...QUEUE_NAMES.map((name) => stack.queues[name].deadLetterQueue), ...intakes.map((intake) => intake.deadLetterQueue)]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(deadLetterQueue), 'QueueName'] } }],
        });
      }
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    });
  });
});
