/**
 * A stand-in for the AWS CLI (not installed here) so that tests can run the README's shell commands as written:
 * `aws <service> <operation> --kebab-case-parameter value ... [--query JMESPath] [--output json|text]`, sent with the
 * real SDK client of that service (which honours AWS_ENDPOINT_URL, AWS_REGION and the key variables, as the CLI
 * does). It covers what the README uses: scalar and list parameters, the shorthand `Key=a,Value=b` and
 * `Name=a,Values=b,c`, `--query`, and the text output of scalars and lists. Errors print as the CLI prints them.
 */
// The real CLI prints no Node notice of the JavaScript SDK's; neither does its stand-in.
import '../../../bin/node-support';
import { search } from '@aws-lambda-powertools/jmespath';

/** Parameters that are lists in the services' models (the CLI knows from the model; this stand-in from here). */
const LIST_PARAMETERS = new Set(['Resources', 'Tags', 'Filters', 'ServiceNames', 'SubnetIds', 'VpcIds', 'VpcEndpointIds', 'Values']);

const CLIENTS: Record<string, () => Promise<Record<string, unknown>>> = {
  ec2: () => import('@aws-sdk/client-ec2'),
  organizations: () => import('@aws-sdk/client-organizations'),
  sts: () => import('@aws-sdk/client-sts'),
  sqs: () => import('@aws-sdk/client-sqs'),
};

const pascal = (kebab: string) => kebab.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');

/** `Key=a,Value=b` -> {Key: 'a', Value: 'b'}; `Name=a,Values=b,c` -> {Name: 'a', Values: ['b', 'c']}. */
function shorthand(text: string): unknown {
  if (!/^[A-Z]\w*=/.test(text)) return text;
  const value: Record<string, unknown> = {};
  let last = '';
  for (const part of text.split(',')) {
    const equals = part.indexOf('=');
    const key = equals > 0 ? part.slice(0, equals) : '';
    if (/^[A-Z]\w*$/.test(key)) {
      last = key;
      const item = part.slice(equals + 1);
      value[key] = LIST_PARAMETERS.has(key) ? [item] : item;
    } else if (Array.isArray(value[last])) {
      (value[last] as string[]).push(part);
    } else {
      value[last] = `${String(value[last])},${part}`;
    }
  }
  return value;
}

function parseArguments(args: readonly string[]): { input: Record<string, unknown>; query?: string; output: string } {
  const input: Record<string, unknown> = {};
  let query: string | undefined;
  let output = 'json';
  for (let index = 0; index < args.length; index++) {
    const flag = args[index] ?? '';
    if (!flag.startsWith('--')) throw new Error(`unexpected argument "${flag}"`);
    const values: string[] = [];
    while (index + 1 < args.length && !(args[index + 1] ?? '').startsWith('--')) values.push(args[++index] ?? '');
    const name = pascal(flag.slice(2));
    if (flag === '--query') query = values[0];
    else if (flag === '--output') output = values[0] ?? 'json';
    else input[name] = LIST_PARAMETERS.has(name) ? values.map(shorthand) : shorthand(values[0] ?? '');
  }
  return { input, ...(query === undefined ? {} : { query }), output };
}

/** The CLI's text output: a scalar as it is, a list of scalars tab-separated, a list of lists one per line. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return value.map((item) => (Array.isArray(item) ? item.map(asText).join('\t') : asText(item))).join(Array.isArray(value[0]) ? '\n' : '\t');
  if (typeof value === 'object') return Object.values(value).map(asText).join('\t');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function main(argv: readonly string[]): Promise<number> {
  const [service = '', operation = '', ...rest] = argv;
  const load = CLIENTS[service];
  if (load === undefined) throw new Error(`this stand-in does not know the service "${service}"`);
  const sdk = await load();
  const clientName = Object.keys(sdk).find((name) => name.endsWith('Client') && !name.startsWith('_') && name !== 'Client' && typeof sdk[name] === 'function' && name.toLowerCase() === `${service}client`);
  const Command = sdk[`${pascal(operation)}Command`] as (new (input: unknown) => unknown) | undefined;
  const Client = sdk[clientName ?? ''] as (new (config: unknown) => { send(command: unknown): Promise<Record<string, unknown>>; destroy(): void }) | undefined;
  if (Command === undefined || Client === undefined) throw new Error(`this stand-in does not know "${service} ${operation}"`);
  const { input, query, output } = parseArguments(rest);
  const client = new Client({ region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION });
  try {
    const { $metadata: _metadata, ...answer } = await client.send(new Command(input));
    const shown = query === undefined ? answer : search(query, answer);
    process.stdout.write(`${output === 'text' ? asText(shown) : JSON.stringify(shown, null, 4)}\n`);
    return 0;
  } catch (error) {
    const { name, message } = error as Error;
    process.stderr.write(`\nAn error occurred (${name}) when calling the ${pascal(operation)} operation: ${message}\n`);
    return 254;
  } finally {
    client.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aws (test stand-in): ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 252;
  },
);
