/**
 * What the EventBridge Pipe in front of a grouped (FIFO) queue writes as each message's body. Without an input
 * template a pipe sends the whole SQS record of the intake (messageId, receiptHandle, the event as an escaped string
 * in `body`, ...); a bare `<$.body>` template would strip the event's inner quotes ("Implicit body data parsing" in
 * the EventBridge Pipes user guide). So the event goes in whole, as the value of one field, as that guide advises.
 */
export const PIPED_EVENT_FIELD = 'event';

/** The pipe's InputTemplate (CDK) and what the local pipe renders: `{"event": <the intake message's body>}`. */
export const PIPED_EVENT_TEMPLATE = `{"${PIPED_EVENT_FIELD}": <$.body>}`;
