/**
 * STS over the awsQuery protocol: form-encoded POST, XML answers wrapped in
 * <ActionResponse><ActionResult>, errors in <ErrorResponse><Error><Type><Code><Message>.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AwsError } from '../framework';
import type { CallContext, RawRequest, RawResponse, ServiceModule } from '../framework';
import type { LocalWorld, Session } from '../core/world';
import { rootArn } from '../core/world';
import { escapeXml, xmlElement } from '../core/xml';
import type { XmlValue } from '../core/xml';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const paramsCache = new WeakMap<RawRequest, URLSearchParams>();
function paramsOf(req: RawRequest): URLSearchParams {
  let params = paramsCache.get(req);
  if (!params) {
    params = new URLSearchParams(req.body);
    for (const [key, value] of req.query) if (!params.has(key)) params.set(key, value);
    paramsCache.set(req, params);
  }
  return params;
}

/** A stable, AWS-looking unique id for a role (AROA + 17 characters), derived from its ARN. */
function roleIdOf(arn: string): string {
  return 'AROA' + createHash('sha256').update(arn).digest('base64').replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(0, 17);
}

const ASSUMED_ROLE = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;

/** The role and session behind an assumed-role caller ARN (IAM role paths are not kept, as in AWS). */
function assumedRoleOf(callerArn: string): { roleArn: string; sessionName: string } | undefined {
  const match = ASSUMED_ROLE.exec(callerArn);
  if (!match) return undefined;
  const [, accountId, roleName, sessionName] = match as unknown as [string, string, string, string];
  return { roleArn: `arn:aws:iam::${accountId}:role/${roleName}`, sessionName };
}

const randomKey = (prefix: string, length: number) =>
  prefix + randomBytes(length).toString('base64').replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(0, length - prefix.length);

export function createStsService(world: LocalWorld): ServiceModule {
  const respond = (action: string, result: Record<string, XmlValue>, ctx: CallContext): RawResponse => ({
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': ctx.requestId },
    body:
      `<${action}Response xmlns="${NAMESPACE}">${xmlElement(`${action}Result`, result)}` +
      `<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${action}Response>`,
  });


  function assumeRole(params: URLSearchParams, ctx: CallContext): RawResponse {
    const arn = params.get('RoleArn');
    const sessionName = params.get('RoleSessionName');
    if (!arn || !sessionName) {
      throw new AwsError('ValidationError', `${!arn ? 'RoleArn' : 'RoleSessionName'} is required`, 400);
    }
    const match = ROLE_ARN.exec(arn);
    if (!match) throw new AwsError('ValidationError', `${arn} is invalid`, 400);
    if (!SESSION_NAME.test(sessionName)) {
      throw new AwsError('ValidationError', "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint", 400);
    }
    const durationSeconds = Number(params.get('DurationSeconds') ?? 3600);
    if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) {
      throw new AwsError('ValidationError', "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint", 400);
    }
    const role = world.roles.get(arn);
    const callerRoleArn = assumedRoleOf(ctx.callerArn)?.roleArn;
    const admitted =
      role !== undefined &&
      role.trustedPrincipals.some(
        (principal) => principal === rootArn(ctx.accountId) || (callerRoleArn !== undefined && principal === callerRoleArn),
      );
    if (!role || !admitted) {
      // AWS gives the same answer for a missing role and a trust policy that does not admit the caller.
      throw new AwsError('AccessDenied', `User: ${ctx.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`, 403);
    }
    const [, accountId, roleName] = match as unknown as [string, string, string];
    const assumedRoleId = `${roleIdOf(arn)}:${sessionName}`;
    const session: Session = {
      accessKeyId: randomKey('ASIA', 20),
      secretAccessKey: randomBytes(30).toString('base64').slice(0, 40),
      sessionToken: randomBytes(96).toString('base64'),
      accountId,
      roleArn: arn,
      assumedRoleArn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      assumedRoleId,
      expiration: world.clock.now() + durationSeconds * 1000,
    };
    world.sessions.set(session.accessKeyId, session);
    return respond(
      'AssumeRole',
      {
        Credentials: {
          AccessKeyId: session.accessKeyId,
          SecretAccessKey: session.secretAccessKey,
          SessionToken: session.sessionToken,
          Expiration: new Date(session.expiration).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
        AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: session.assumedRoleArn },
        PackedPolicySize: params.has('Policy') ? 6 : undefined,
      },
      ctx,
    );
  }

  function getCallerIdentity(ctx: CallContext): RawResponse {
    const assumed = assumedRoleOf(ctx.callerArn);
    const userId = assumed ? `${roleIdOf(assumed.roleArn)}:${assumed.sessionName}` : ctx.accountId;
    return respond('GetCallerIdentity', { UserId: userId, Account: ctx.accountId, Arn: ctx.callerArn }, ctx);
  }

  return {
    signingName: 'sts',
    actionOf: (req) => paramsOf(req).get('Action') ?? '',
    throttleClass: () => 'default',
    handle(req, ctx) {
      const params = paramsOf(req);
      switch (params.get('Action')) {
        case 'AssumeRole':
          return assumeRole(params, ctx);
        case 'GetCallerIdentity':
          return getCallerIdentity(ctx);
        default:
          throw new AwsError('InvalidAction', `Could not find operation ${params.get('Action') ?? ''} for version 2011-06-15`, 400);
      }
    },
    errorResponse(err, ctx) {
      const type = err.status >= 500 ? 'Receiver' : 'Sender';
      return {
        status: err.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': ctx.requestId },
        body:
          `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${escapeXml(err.code)}</Code>` +
          `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${ctx.requestId}</RequestId></ErrorResponse>`,
      };
    },
    snapshot: () => ({
      sessions: [...world.sessions.values()].map(({ accessKeyId, assumedRoleArn, expiration }) => ({
        accessKeyId,
        assumedRoleArn,
        expiration: new Date(expiration).toISOString(),
      })),
    }),
  };
}
