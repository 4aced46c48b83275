/**
 * The endpoint service's connection events the control plane subscribes to (CreateVpcEndpointConnectionNotification's
 * ConnectionEvents: Connect, Accept, Reject, Delete). Only `Connect` asks for a decision: acceptance decides pending
 * connections and nothing else, so the other three reached it as pure no-ops (one describe each). `Accept` was the
 * costly one: every endpoint the control plane accepts announced it back, a quarter of acceptance's messages in a
 * rollout, taking room in the batches that carry Accept ids. An operator's reject or a deleted endpoint needs no
 * decision either; the reconciler re-reads every connection on its schedule.
 */
export const CONNECTION_EVENTS: readonly string[] = ['Connect'];
