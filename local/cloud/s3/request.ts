/** Reading request headers: Node gives repeated headers as arrays; S3 reads them as one comma-joined value. */
import type { RawRequest } from '../framework';

export const header = (req: RawRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};
