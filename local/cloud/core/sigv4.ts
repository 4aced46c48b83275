import type { IncomingHttpHeaders } from 'node:http';

/** The parts of a SigV4 credential scope the emulator routes on. Signatures are not verified. */
export interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
  sessionToken?: string;
}

// Credential=AKID/20261121/eu-west-2/ec2/aws4_request
const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/**
 * Reads the credential scope from the Authorization header, or from the query string of a
 * presigned request (X-Amz-Credential). Returns undefined for unsigned requests.
 */
export function parseCredentialScope(headers: IncomingHttpHeaders, query: URLSearchParams): CredentialScope | undefined {
  const auth = headers.authorization;
  const match = auth ? CREDENTIAL.exec(auth) : undefined;
  const presigned = query.get('X-Amz-Credential');
  const parts = match
    ? [match[1], match[2], match[3]]
    : presigned
      ? presigned.split('/').filter((_, i) => i !== 1)
      : undefined;
  if (!parts) return undefined;
  const [accessKeyId, region, service] = parts;
  if (!accessKeyId || !region || !service) return undefined;
  const token = headers['x-amz-security-token'] ?? query.get('X-Amz-Security-Token') ?? undefined;
  return { accessKeyId, region, service, sessionToken: Array.isArray(token) ? token[0] : token };
}
