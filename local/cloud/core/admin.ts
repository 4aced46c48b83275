/**
 * The emulator's own endpoints under /_local/: what AWS does out of band (an account that exists
 * outside the organization, a spoke role deleted by hand) and what tests and benchmarks observe.
 */
import { AwsError } from '../framework';
import type { RawRequest, RawResponse } from '../framework';
import type { Metrics } from './metrics';
import type { Throttler } from './throttle';
import type { LocalWorld } from './world';

export interface AdminDeps {
  world: LocalWorld;
  metrics: Metrics;
  throttler: Throttler;
  snapshot: () => unknown;
  /** An existing account joins the organization as an invited member (throws AwsError when it cannot). */
  admitToOrganization: (accountId: string) => void;
}

const json = (status: number, body: unknown): RawResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body, null, 2),
});

function parseBody(req: RawRequest): Record<string, unknown> {
  if (req.body.trim() === '') return {};
  const parsed: unknown = JSON.parse(req.body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function handleAdmin(deps: AdminDeps, req: RawRequest): RawResponse {
  const { world } = deps;
  const route = `${req.method} ${req.path}`;
  let body: Record<string, unknown>;
  try {
    body = parseBody(req);
  } catch (err) {
    return json(400, { error: `invalid JSON body: ${(err as Error).message}` });
  }

  if (route === 'GET /_local/state') return json(200, deps.snapshot());
  if (route === 'GET /_local/metrics') return json(200, deps.metrics);
  if (route === 'GET /_local/health') return json(200, { ok: true });

  if (route === 'POST /_local/accounts') {
    const id = typeof body.id === 'string' ? body.id : world.newAccountId();
    if (!/^\d{12}$/.test(id)) return json(400, { error: 'id must be 12 digits' });
    const account = world.ensureAccount({
      id,
      name: typeof body.name === 'string' ? body.name : `account-${id}`,
      email: typeof body.email === 'string' ? body.email : `account+${id}@example.com`,
    });
    return json(200, account);
  }

  const spokeRole = /^POST \/_local\/accounts\/(\d{12})\/spoke-role$/.exec(route);
  if (spokeRole) {
    const accountId = spokeRole[1] ?? '';
    if (typeof body.enabled !== 'boolean') return json(400, { error: 'body must be {"enabled": true|false}' });
    if (!world.accounts.has(accountId)) return json(404, { error: `no account ${accountId}` });
    return json(200, world.setSpokeRole(accountId, body.enabled));
  }

  const join = /^POST \/_local\/accounts\/(\d{12})\/join-organization$/.exec(route);
  if (join) {
    const accountId = join[1] ?? '';
    try {
      deps.admitToOrganization(accountId);
    } catch (err) {
      if (err instanceof AwsError) return json(err.code === 'AccountNotFoundException' ? 404 : 409, { error: err.message });
      throw err;
    }
    return json(200, { accountId, joinedMethod: 'INVITED' });
  }

  if (route === 'POST /_local/throttling') {
    if (typeof body.enabled !== 'boolean') return json(400, { error: 'body must be {"enabled": true|false}' });
    deps.throttler.enabled = body.enabled;
    return json(200, { enabled: deps.throttler.enabled });
  }

  return json(404, { error: `no local endpoint ${route}` });
}
