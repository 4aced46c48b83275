import { decodeSquidValue, formatAnswer, formatDenial, formatHelperError, HelperRequestError, parseRequestLine } from '../../../squid-config/fleet/helper-protocol';

describe('the policy helper reads Squid lookups', () => {
  test('takes the endpoint id from the URL-encoded TLV 0xEA, whose first byte is the subtype 0x01', () => {
    // Act
    const request = parseRequestLine('7 %01vpce-0aaaaaaaaaaaaaaaa destination api.stripe.com -');

    // Assess
    expect(request).toEqual({ channel: '7', check: 'destination', endpointId: 'vpce-0aaaaaaaaaaaaaaaa', host: 'api.stripe.com' });
  });

  test('an SNI lookup decides on the SNI, not on the CONNECT host', () => {
    const request = parseRequestLine('0 %01vpce-0aaaaaaaaaaaaaaaa sni allowed.example.com evil.example.com');

    expect(request).toMatchObject({ check: 'sni', host: 'evil.example.com' });
  });

  test.each([
    ['no TLV at all (Squid sends "-")', '-'],
    ['a TLV with another subtype', '%02vpce-0aaaaaaaaaaaaaaaa'],
    ['a subtype byte and nothing after it', '%01'],
  ])('%s means no endpoint id', (_case, tlv) => {
    expect(parseRequestLine(`1 ${tlv} destination example.com -`).endpointId).toBeUndefined();
  });

  test('a missing SNI ("-") is no host, which the helper denies', () => {
    expect(parseRequestLine('1 %01vpce-0aaaaaaaaaaaaaaaa sni example.com -').host).toBeUndefined();
  });

  test('client bytes stay bytes: %-escapes are undone one byte at a time, invalid UTF-8 included', () => {
    expect(decodeSquidValue('ex%22am%FFple%20.com')).toEqual(Buffer.from([...Buffer.from('ex"am'), 0xff, ...Buffer.from('ple .com')]));
    expect(decodeSquidValue('100%')).toEqual(Buffer.from('100%'));
  });

  test.each([
    ['too few fields', '3 %01vpce-0aaaaaaaaaaaaaaaa destination example.com'],
    ['too many fields', '3 %01vpce-0aaaaaaaaaaaaaaaa destination example.com - extra'],
    ['an unknown check', '3 %01vpce-0aaaaaaaaaaaaaaaa source example.com -'],
  ])('a line with %s is an error that keeps its channel', (_case, line) => {
    expect(() => parseRequestLine(line)).toThrow(HelperRequestError);
    expect(() => parseRequestLine(line)).toThrow(expect.objectContaining({ channel: '3' }) as Error);
  });
});

describe('the policy helper answers Squid', () => {
  const owner = { accountId: '111111111111', vpcId: 'vpc-0aaaaaaaaaaaaaaaa' };

  test('OK names the policy that allowed and whose endpoint it was, and always carries every key', () => {
    expect(formatAnswer('4', { allowed: true, policy: 'payments', policies: ['payments', 'metrics'] }, owner)).toBe(
      '4 OK policy=payments deny_reason=- policies=payments,metrics account=111111111111 vpc=vpc-0aaaaaaaaaaaaaaaa',
    );
  });

  test('ERR says why, with the endpoint\'s policies, account and VPC', () => {
    expect(formatAnswer('5', { allowed: false, reason: 'not_in_policy', policies: ['metrics'] }, owner)).toBe(
      '5 ERR policy=- deny_reason=not_in_policy policies=metrics account=111111111111 vpc=vpc-0aaaaaaaaaaaaaaaa',
    );
    expect(formatDenial('6', 'no_sni', [], owner)).toBe('6 ERR policy=- deny_reason=no_sni policies=- account=111111111111 vpc=vpc-0aaaaaaaaaaaaaaaa');
  });

  test('an endpoint the mapping does not know has "-" for its account and VPC (the keys stay, so no stale note survives)', () => {
    expect(formatAnswer('7', { allowed: true, policy: 'baseline', policies: [] })).toBe('7 OK policy=baseline deny_reason=- policies=- account=- vpc=-');
    expect(formatDenial('6', 'no_sni')).toBe('6 ERR policy=- deny_reason=no_sni policies=- account=- vpc=-');
  });

  test('BH (a denial Squid does not cache) for anything the helper could not decide', () => {
    expect(formatHelperError('8')).toBe('8 BH policy=- deny_reason=helper_error policies=- account=- vpc=-');
  });
});
