import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerWhy, parseHostPort } from '../../../cli/why';
import { PLAIN_HTTP_PORT, TLS_PORT } from '../../../squid-config/policy/ports';

describe('parseHostPort', () => {
  test.each([
    ['api.example.com', { host: 'api.example.com', port: undefined }],
    ['api.example.com:443', { host: 'api.example.com', port: 443 }],
    ['[2001:db8::1]:443', { host: '2001:db8::1', port: 443 }],
    ['198.51.100.20:80', { host: '198.51.100.20', port: 80 }],
  ])('reads %s', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  test.each([
    ['https://api.example.com/', /is a URL/],
    ['api.example.com:0', /not between 1 and 65535/],
    ['api.example.com:70000', /not between 1 and 65535/],
    ['api.example.com/path', /not host or host:port/],
  ])('refuses %s', (text, message) => {
    expect(() => parseHostPort(text)).toThrow(message);
  });
});

describe('answerWhy', () => {
  test('with nothing published, says the answer cannot see the baseline shipped in the image', () => {
    const answer = answerWhy({ target: 'vpce-0123456789abcdef0', host: 'github.com', port: 443 }, undefined, undefined);
    expect(answer).toMatchObject({ allowed: false, code: 'policy_not_loaded' });
    expect(answer.notes.join(' ')).toMatch(/no policy bundle is published/);
  });
});

describe('the ports egress why reports', () => {
  test('are the ports squid.conf allows: CONNECT to 443 and plain HTTP to 80', () => {
    const conf = readFileSync(join(__dirname, '..', '..', '..', 'squid-config', 'squid.conf'), 'utf8');
    expect(conf).toMatch(new RegExp(`^acl tls_port port ${TLS_PORT}$`, 'm'));
    expect(conf).toMatch(new RegExp(`^acl plain_http_port port ${PLAIN_HTTP_PORT}$`, 'm'));
    expect(conf).toMatch(/^http_access deny CONNECT !tls_port /m);
    expect(conf).toMatch(/^http_access deny !CONNECT !plain_http_port /m);
  });
});
