/**
 * The JSON paths EventBridge Pipes evaluates in dynamic target parameters and input templates, in the dot notation
 * this project uses (`$.body.account`: for an SQS source, `body` is the message body, parsed when it is JSON).
 * Anything else is refused, so a path the local bus cannot read never silently yields an empty group id.
 */
const DOT_PATH = /^\$(\.[A-Za-z0-9_-]+)+$/;

export function valueAtPath(root: unknown, path: string): unknown {
  if (!DOT_PATH.test(path)) throw new Error(`JSON path ${path} is not in the dot notation the local bus evaluates ($.a.b)`);
  let value: unknown = root;
  for (const key of path.slice(2).split('.')) {
    value = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

export function stringAtPath(root: unknown, path: string): string {
  const value = valueAtPath(root, path);
  if (typeof value !== 'string' || value === '') throw new Error(`JSON path ${path} names no string in the message`);
  return value;
}

const PLACEHOLDER = /<(\$[^<>]*)>/g;

/**
 * A pipe's input template: each `<$.path>` replaced by the value there as JSON (strings quoted, objects and arrays
 * as they are, as Pipes does for a variable that is a JSON field's value). The result must be JSON, as every template
 * of ours is; a path that names nothing is an error here (Pipes would leave the variable out).
 */
export function renderInputTemplate(template: string, source: unknown): string {
  const rendered = template.replace(PLACEHOLDER, (_, path: string) => {
    const value = valueAtPath(source, path);
    if (value === undefined) throw new Error(`input template ${template}: ${path} names nothing in the event`);
    return JSON.stringify(value);
  });
  JSON.parse(rendered);
  return rendered;
}
