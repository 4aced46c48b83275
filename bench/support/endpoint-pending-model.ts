/**
 * Where the onboarding benchmark's default pending time (an accepted interface endpoint's `pending` -> `available`)
 * comes from. AWS documents no figure; the one figure found is a user's, for a related endpoint type. Written into
 * bench/results/onboarding.json with the run, so the README's table can say what the modelled time rests on.
 */
export const ENDPOINT_PENDING_SOURCES = {
  basis:
    'No AWS-documented figure exists. 120 s is the low end of a user report for a related endpoint type (a Gateway ' +
    'Load Balancer endpoint, not an interface endpoint): ~120-150 s from Pending to Available in the AWS console.',
  sources: [
    {
      url: 'https://github.com/hashicorp/terraform-provider-aws/issues/32774',
      says: 'a user: a GatewayLoadBalancer VPC endpoint (Palo Alto cloud NGFW) takes approximately 120-150 seconds to go from Pending to Available in the AWS console',
    },
    {
      url: 'https://docs.aws.amazon.com/vpc/latest/privatelink/accept-reject-endpoint-requests.html',
      says: 'AWS: after an endpoint is accepted it becomes available, and it can take time for the state to be available (no figure)',
    },
    {
      url: 'https://github.com/hashicorp/terraform-provider-aws/issues/14604',
      says: 'a user: after accepting, the state goes pendingAcceptance -> pending, then after some time available (no figure)',
    },
  ],
} as const;
