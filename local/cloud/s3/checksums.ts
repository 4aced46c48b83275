/**
 * The flexible checksums S3 accepts (x-amz-checksum-*), which SDK v3 sends by default (CRC32) since 2025.
 * CRC32 comes from zlib, SHA-1/SHA-256 from crypto, CRC32C from a small table here; CRC64NVME is stored and
 * returned but not verified (no built-in implementation, and the SDK only sends it when asked to).
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Decoded size of each checksum, to reject a value that cannot be one. */
export const CHECKSUM_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

export const checksumHeader = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm.toLowerCase()}`;

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    // Castagnoli polynomial, reflected.
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const uint32Base64 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
};

/** The base64 checksum of `bytes`, or undefined for an algorithm the emulator cannot compute. */
export function computeChecksum(algorithm: ChecksumAlgorithm, bytes: Buffer): string | undefined {
  switch (algorithm) {
    case 'CRC32':
      return uint32Base64(crc32(bytes));
    case 'CRC32C':
      return uint32Base64(crc32c(bytes));
    case 'SHA1':
      return createHash('sha1').update(bytes).digest('base64');
    case 'SHA256':
      return createHash('sha256').update(bytes).digest('base64');
    case 'CRC64NVME':
      return undefined;
  }
}
