import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONNECTION_EVENTS } from '../../events/connection-events';

export interface ConnectionNotificationsProps {
  readonly serviceId: string;
  /** The connection acceptance queue. */
  readonly queue: sqs.IQueue;
}


/**
 * The endpoint service's connection notifications, the only signal AWS gives a provider about endpoint connections
 * (there is no EventBridge event for them), delivered to the acceptance queue through an encrypted topic.
 */
export class ConnectionNotifications extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: ConnectionNotificationsProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the egress proxy endpoint service connection notifications',
      enableKeyRotation: true,
    });
    // The publisher must be able to encrypt with the topic's key; scoped to this account's endpoint services.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'VpceServicePublishes',
        principals: [new iam.ServicePrincipal('vpce.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'VpceServicePublishes',
        principals: [new iam.ServicePrincipal('vpce.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    // Raw delivery off: the queue receives SNS's envelope, which the acceptance schema parses (TopicArn, MessageId).
    this.topic.addSubscription(new subscriptions.SqsSubscription(props.queue, { rawMessageDelivery: false }));

    const notification = new ec2.CfnVPCEndpointConnectionNotification(this, 'Notification', {
      serviceId: props.serviceId,
      connectionNotificationArn: this.topic.topicArn,
      connectionEvents: [...CONNECTION_EVENTS],
    });
    // EC2 checks that it can publish when the notification is created.
    notification.node.addDependency(this.topic);
  }
}
