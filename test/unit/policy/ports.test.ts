import { portVerdict } from '../../../squid-config/policy/ports';

describe('portVerdict', () => {
  test('443 is reached through CONNECT, 80 as plain HTTP', () => {
    expect(portVerdict(443)).toEqual({ allowed: true, via: 'CONNECT' });
    expect(portVerdict(80)).toEqual({ allowed: true, via: 'HTTP' });
  });

  test.each([8443, 8080, 22, 0])('%i is refused whatever the policy says', (port) => {
    expect(portVerdict(port)).toEqual({ allowed: false, reason: 'port_not_allowed' });
  });
});
