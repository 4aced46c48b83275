/**
 * PROXY protocol v2 encoder (haproxy's proxy-protocol.txt, section 2.2), as an AWS NLB writes it:
 * command PROXY, TCP over IPv4, then TLVs. PrivateLink adds TLV 0xEA whose value is the subtype
 * byte 0x01 followed by the VPC endpoint id.
 */
import { isIPv4 } from 'node:net';

const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const VERSION_2_COMMAND_PROXY = 0x21;
const FAMILY_TCP_OVER_IPV4 = 0x11;
export const TLV_TYPE_AWS = 0xea;
export const AWS_SUBTYPE_VPCE_ID = 0x01;

export interface ProxyHeaderFields {
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly destinationAddress: string;
  readonly destinationPort: number;
  readonly tlvs?: readonly { readonly type: number; readonly value: Buffer }[];
}

export function vpcEndpointTlv(vpcEndpointId: string): { type: number; value: Buffer } {
  return { type: TLV_TYPE_AWS, value: Buffer.concat([Buffer.from([AWS_SUBTYPE_VPCE_ID]), Buffer.from(vpcEndpointId, 'ascii')]) };
}

function ipv4Bytes(address: string): Buffer {
  if (!isIPv4(address)) throw new Error(`not an IPv4 address: ${address}`);
  return Buffer.from(address.split('.').map(Number));
}

function uint16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

export function encodeProxyV2Header(fields: ProxyHeaderFields): Buffer {
  const tlvs = (fields.tlvs ?? []).map((tlv) => Buffer.concat([Buffer.from([tlv.type]), uint16(tlv.value.length), tlv.value]));
  const addressBlock = Buffer.concat([
    ipv4Bytes(fields.sourceAddress),
    ipv4Bytes(fields.destinationAddress),
    uint16(fields.sourcePort),
    uint16(fields.destinationPort),
    ...tlvs,
  ]);
  return Buffer.concat([SIGNATURE, Buffer.from([VERSION_2_COMMAND_PROXY, FAMILY_TCP_OVER_IPV4]), uint16(addressBlock.length), addressBlock]);
}
