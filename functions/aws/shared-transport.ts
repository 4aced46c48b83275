import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * Sockets per endpoint for all spoke clients together: the reconciler runs up to 64 accounts at once, each with a
 * few describes in flight; above this, requests wait for a free socket instead of opening more.
 */
const MAX_SOCKETS = 128;

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });

/**
 * One keep-alive connection pool for every spoke account's EC2 client. Each client would otherwise open its own
 * sockets (and, against AWS, its own TLS sessions) to the same regional endpoint and use each for only a few calls
 * before the account is done. A connection carries no identity: every request is signed with its account's
 * credentials. Clients built on it must not be `destroy()`ed, which would close the pool's sockets under the others.
 */
export function sharedRequestHandler(): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  return { httpAgent, httpsAgent };
}
