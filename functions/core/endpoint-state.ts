/**
 * Endpoint and connection states in their documented wire form (`pendingAcceptance`, `available`, ...). The SDK's
 * `State` enum spells the same values in PascalCase (`PendingAcceptance`); normalising both to the wire form lets
 * every comparison use one spelling whichever one a server sends.
 */
export function normalizeEndpointState(state: string | undefined): string {
  if (state === undefined || state === '') return 'unknown';
  return state.charAt(0).toLowerCase() + state.slice(1);
}
