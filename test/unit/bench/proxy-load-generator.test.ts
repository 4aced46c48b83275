import { completeResponse } from '../../../bench/support/proxy-load-generator';

const response = (body: string, headers = `Content-Length: ${Buffer.byteLength(body)}\r\n`) => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;

describe('the benchmark load generator reads responses off a keep-alive connection', () => {
  test('a response is complete only once its whole body has arrived', () => {
    const whole = Buffer.from(response('{"ok":true}'));

    expect(completeResponse(whole.subarray(0, 20))).toBeUndefined();
    expect(completeResponse(whole.subarray(0, whole.length - 1))).toBeUndefined();
    expect(completeResponse(whole)).toEqual({ kind: 'complete', status: 200, length: whole.length });
  });

  test('measures the first response only, when the next one has started to arrive', () => {
    const first = response('{}');

    expect(completeResponse(Buffer.from(`${first}${response('{"second":1}')}`))).toMatchObject({ length: Buffer.byteLength(first) });
  });

  test('reports the status of a refusal, so the run counts it as an error', () => {
    expect(completeResponse(Buffer.from(response('denied').replace('200 OK', '403 Forbidden')))).toMatchObject({ kind: 'complete', status: 403 });
  });

  test('a response without Content-Length (chunked) is unreadable, not silently mis-timed', () => {
    expect(completeResponse(Buffer.from(response('5\r\nhello\r\n0\r\n\r\n', 'Transfer-Encoding: chunked\r\n')))).toMatchObject({ kind: 'unreadable' });
  });
});
