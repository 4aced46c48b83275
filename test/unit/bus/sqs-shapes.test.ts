/**
 * MD5OfMessageAttributes, against known answers: the AWS SDK for Ruby checks SQS's digest with these vectors
 * (gems/aws-sdk-sqs/spec/client/verify_checksums_spec.rb), so they are what SQS answers for these attributes.
 */
import { md5OfMessageAttributes } from '../../../local/bus/sqs-shapes';
import type { SqsMessageAttributes } from '../../../local/cloud/api';

/** The Ruby SDK's attributes: a string, bytes, a number as written, and a name and value beyond ASCII (UTF-8). */
function rubyVector(label = ''): SqsMessageAttributes {
  return {
    ccc: { dataType: `String${label}`, stringValue: 'test' },
    aaa: { dataType: `Binary${label}`, binaryValue: Buffer.from([2, 3, 4]).toString('base64') },
    zzz: { dataType: `Number${label}`, stringValue: '0230.01' },
    öther_encodings: { dataType: `String${label}`, stringValue: 'Tüst' },
  };
}

describe('md5OfMessageAttributes', () => {
  it('gives the digest SQS gives: attributes sorted by name, each length-prefixed, with its transport type', () => {
    // Act
    const digest = md5OfMessageAttributes(rubyVector());

    // Assess
    expect(digest).toBe('756d7f4338696745d063b420a2f7e502');
  });

  it('hashes a custom type label as part of the data type', () => {
    // Act
    const digest = md5OfMessageAttributes(rubyVector('.test'));

    // Assess
    expect(digest).toBe('5b7ef6c8a8d46001c7cdadaeea917aa4');
  });

  it('does not depend on the order the attributes were given in', () => {
    // Prepare
    const reversed = Object.fromEntries(Object.entries(rubyVector()).reverse());

    // Act
    const digest = md5OfMessageAttributes(reversed);

    // Assess
    expect(digest).toBe('756d7f4338696745d063b420a2f7e502');
  });
});
