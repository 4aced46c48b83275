/** The local pipe's reading of the JSON paths and input template the CDK pipe is given (events/routes.ts). */
import { renderInputTemplate, stringAtPath } from '../../../local/bus/json-path';

const record = { messageId: 'm1', body: { id: 'e1', account: '444444444444', detail: { 'changed-tag-keys': ['egress-proxy'] } } };

describe('JSON paths and input templates of the local pipe', () => {
  it('puts an object in a template whole, with its quotes, as the value of a field', () => {
    expect(JSON.parse(renderInputTemplate('{"event": <$.body>}', record))).toEqual({ event: record.body });
  });

  it('quotes a string and leaves the rest of the template as it is', () => {
    expect(renderInputTemplate('{"who": <$.body.account>, "n": 1}', record)).toBe('{"who": "444444444444", "n": 1}');
  });

  it('refuses a path that names nothing, and a path outside the dot notation, rather than send an empty id', () => {
    expect(() => renderInputTemplate('{"x": <$.body.missing>}', record)).toThrow('$.body.missing names nothing');
    expect(() => stringAtPath(record, '$.body.detail')).toThrow('$.body.detail names no string');
    expect(() => stringAtPath(record, "$['body']")).toThrow('not in the dot notation');
  });
});
