import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per process, one service name: the audit trail's Logs Insights queries key on it. */
export const logger = new Logger({ serviceName: 'egress-control-plane' });
