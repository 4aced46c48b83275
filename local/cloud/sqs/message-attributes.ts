/**
 * SendMessage's MessageAttributes as SQS checks them, and ReceiveMessage's MessageAttributeNames as it applies them.
 *
 * The rules are the developer guide's ("Amazon SQS message attributes"): at most 10; a name of letters, digits, `_`,
 * `-` and `.`, up to 256 characters, not starting with `AWS.` or `Amazon.` in any casing, not starting or ending with a
 * period nor holding two in a row; a data type of String, Number or Binary, maybe with a custom label (`Number.float`),
 * up to 256 characters; String and Number take a non-empty StringValue (Number one that reads as a number), Binary a
 * BinaryValue. The list values are refused, as SQS refuses them.
 *
 * Every refusal is InvalidParameterValue (list values: UnsupportedOperation), as in SQS. Its words, by source: the
 * count, an empty name, an empty String value, a Number that is not one and list values are SQS's own, as its clients
 * have quoted them; the invalid type's too, as quoted in 2023 (k6-jslib-aws#65; in 2015 SQS worded it otherwise); the
 * name rules' and the type length's are LocalStack's (whose SQS is checked against AWS by snapshot tests). For two
 * periods in a row and a missing type no capture was found: those messages say plainly what is wrong.
 */
import type { SqsMessageAttribute, SqsMessageAttributes } from '../api';
import { forbiddenCharacter } from './contents';
import { sqsErrors } from './errors';

const MAX_ATTRIBUTES = 10;
/**
 * "Can be up to 256 characters long", says the guide, which is followed here; the message (LocalStack's) says "shorter
 * than 256", and LocalStack refuses 256 itself. No capture of SQS at the boundary was found.
 */
const MAX_NAME_LENGTH = 256;
const MAX_TYPE_LENGTH = 256;
const NAME_CHARACTERS = /^[A-Za-z0-9_.-]+$/;
const RESERVED_PREFIX = /^(aws|amazon)\./i;
/** Decimal numbers, with a fraction and an exponent or not (SQS's Number: "positive or negative integers or floating-point numbers"). */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BASE_TYPES = ['String', 'Number', 'Binary'] as const;

/** The attributes as SQS keeps them, and the bytes they count toward the message size limit (names, types, values). */
export interface ParsedMessageAttributes {
  readonly attributes: SqsMessageAttributes;
  readonly bytes: number;
}

/** Reads and checks MessageAttributes of a SendMessage request (undefined: none). */
export function parseMessageAttributes(raw: unknown): ParsedMessageAttributes {
  if (raw === undefined || raw === null) return { attributes: {}, bytes: 0 };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw sqsErrors.invalidParameter('MessageAttributes must be a map of attribute names to values.');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) {
    throw sqsErrors.invalidParameter(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  const attributes: Record<string, SqsMessageAttribute> = {};
  let bytes = 0;
  for (const [name, value] of entries) {
    checkName(name);
    const attribute = attributeOf(name, value);
    attributes[name] = attribute;
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(attribute.dataType, 'utf8') + valueBytes(attribute);
  }
  return { attributes, bytes };
}

function checkName(name: string): void {
  if (name === '') throw sqsErrors.invalidParameter('The request must contain non-empty message attribute name.');
  if (name.length > MAX_NAME_LENGTH) throw sqsErrors.invalidParameter('Message (user) attribute names must be shorter than 256 Bytes');
  if (!NAME_CHARACTERS.test(name)) {
    // Trailing space and "score" included, as LocalStack has the text (its oddities suggest it was copied from SQS).
    throw sqsErrors.invalidParameter('Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores. ');
  }
  if (RESERVED_PREFIX.test(name) || name.startsWith('.') || name.endsWith('.')) {
    throw sqsErrors.invalidParameter(
      "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use. Additionally, they cannot start or end with '.'.",
    );
  }
  if (name.includes('..')) throw sqsErrors.invalidParameter(`Message (user) attribute name '${name}' must not have successive '.' characters.`);
}

function attributeOf(name: string, raw: unknown): SqsMessageAttribute {
  const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const dataType = value.DataType;
  if (typeof dataType !== 'string' || dataType === '') throw sqsErrors.invalidParameter(`The message (user) attribute '${name}' must contain a non-empty message attribute type.`);
  const base = BASE_TYPES.find((type) => dataType === type || dataType.startsWith(`${type}.`));
  if (base === undefined) {
    throw sqsErrors.invalidParameter(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
  }
  if (dataType.length > MAX_TYPE_LENGTH) throw sqsErrors.invalidParameter('Message (user) attribute types must be shorter than 256 Bytes');
  if (value.StringListValues !== undefined || value.BinaryListValues !== undefined) {
    throw sqsErrors.unsupported('Message attribute list values in SendMessage operation are not supported.');
  }
  if (base === 'Binary') return binaryAttribute(name, dataType, value.BinaryValue);
  const stringValue = value.StringValue;
  if (typeof stringValue !== 'string' || stringValue === '') {
    throw sqsErrors.invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type '${dataType}'.`);
  }
  if (base === 'Number' && !NUMBER.test(stringValue)) throw sqsErrors.invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  // A string value has the body's restrictions; SQS reports a bad character here as InvalidParameterValue (LocalStack's
  // reading), in the words it uses for the body.
  const forbidden = forbiddenCharacter(stringValue);
  if (forbidden !== undefined) throw sqsErrors.invalidParameter(sqsErrors.invalidContents(forbidden).message);
  return { dataType, stringValue };
}

/** The JSON protocol carries a blob as base64; kept so, as the Lambda record and ReceiveMessage give it back. */
function binaryAttribute(name: string, dataType: string, raw: unknown): SqsMessageAttribute {
  if (typeof raw !== 'string' || Buffer.from(raw, 'base64').length === 0) {
    throw sqsErrors.invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type '${dataType}'.`);
  }
  return { dataType, binaryValue: raw };
}

const valueBytes = (attribute: SqsMessageAttribute) =>
  attribute.binaryValue === undefined ? Buffer.byteLength(attribute.stringValue ?? '', 'utf8') : Buffer.from(attribute.binaryValue, 'base64').length;

/**
 * ReceiveMessage's MessageAttributeNames: `All` or `.*` for every attribute, `prefix.*` for those whose name starts
 * with `prefix.`, otherwise the names themselves; nothing when none is asked for.
 */
export function selectMessageAttributes(attributes: SqsMessageAttributes, wanted: readonly string[]): SqsMessageAttributes {
  const matches = (name: string) =>
    wanted.some((pattern) => pattern === 'All' || pattern === '.*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))));
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => matches(name)));
}

/** The attributes as SQS's JSON protocol returns them (ReceiveMessage's Message.MessageAttributes). */
export function jsonMessageAttributes(attributes: SqsMessageAttributes): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, { dataType, stringValue, binaryValue }]) => [
      name,
      { DataType: dataType, ...(binaryValue === undefined ? { StringValue: stringValue ?? '' } : { BinaryValue: binaryValue }) },
    ]),
  );
}
