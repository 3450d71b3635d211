import type { DynamoDBRecord } from 'aws-lambda';

/** Thrown for a filter pattern Lambda would refuse when the event source mapping is created. */
export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

type FilterPatterns = readonly Readonly<Record<string, unknown>>[];

/**
 * Lambda event filtering for one DynamoDB stream record, as the event source mapping applies it
 * before batching: the record passes when ANY pattern matches; no patterns lets everything through.
 *
 * Supported (the Lambda filter syntax): nested objects, arrays of allowed values (string, number,
 * boolean, `null`, `""`), `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value, a
 * list, or `{ prefix }` / `{ suffix }`), `numeric` (`=`, `<`, `<=`, `>`, `>=`, ranges), `exists`,
 * and `$or`. As in Lambda, matching is on leaf values: a DynamoDB number is the string inside
 * `{ N: "..." }`, so `numeric` never matches it, and when the record holds an array, any element
 * may match.
 * @throws FilterPatternError for a malformed pattern or an unsupported operator
 */
export function matchesFilter(record: DynamoDBRecord, patterns: FilterPatterns): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern, i) => matchObject(pattern, record, `patterns[${i}]`));
}

/**
 * Checks every pattern against the filter grammar without a record, so a bad pattern fails when
 * the poller is created rather than on the first record.
 * @throws FilterPatternError naming the path of the first problem
 */
export function validateFilterPatterns(patterns: FilterPatterns): void {
  patterns.forEach((pattern, i) => validateObject(pattern, `patterns[${i}]`));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function matchObject(pattern: Record<string, unknown>, value: unknown, path: string): boolean {
  // A nested pattern applied to an array matches when one of its elements matches.
  if (Array.isArray(value)) return value.some((element) => matchObject(pattern, element, path));
  const subject = isPlainObject(value) ? value : undefined;
  return Object.entries(pattern).every(([key, rule]) => {
    const at = `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isPlainObject)) {
        throw new FilterPatternError(`${at}: $or needs an array of at least two pattern objects`);
      }
      return rule.some((alternative, i) => matchObject(alternative, value, `${at}[${i}]`));
    }
    const field = subject?.[key];
    if (Array.isArray(rule)) return matchLeaf(rule, field, at);
    // A missing parent still has to be walked: `exists: false` below it matches.
    if (isPlainObject(rule)) return matchObject(rule, field, at);
    throw new FilterPatternError(`${at}: expected an array of values or a nested object, got ${JSON.stringify(rule)}`);
  });
}

function matchLeaf(rules: readonly unknown[], field: unknown, path: string): boolean {
  if (rules.length === 0) throw new FilterPatternError(`${path}: an empty array matches nothing and is refused`);
  return rules.some((rule, i) => matchRule(rule, field, `${path}[${i}]`));
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** The leaf values a field offers: itself, or each element of an array of leaves. */
function leaves(field: unknown): (string | number | boolean | null)[] {
  if (Array.isArray(field)) return field.filter(isScalar);
  return isScalar(field) ? [field] : [];
}

function matchRule(rule: unknown, field: unknown, path: string): boolean {
  if (isScalar(rule)) return leaves(field).some((v) => v === rule);
  if (!isPlainObject(rule)) throw new FilterPatternError(`${path}: expected a value or an operator object, got ${JSON.stringify(rule)}`);
  const keys = Object.keys(rule);
  const [operator] = keys;
  if (keys.length !== 1 || operator === undefined) {
    throw new FilterPatternError(`${path}: an operator object has exactly one key, got ${JSON.stringify(rule)}`);
  }
  const operand = rule[operator];
  const at = `${path}.${operator}`;
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new FilterPatternError(`${at}: expects true or false`);
      // As in Lambda, exists looks at leaves: an intermediate object does not count as present.
      return operand ? leaves(field).length > 0 : field === undefined;
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case': {
      const text = stringOperand(operand, at);
      return leaves(field).some((v) => typeof v === 'string' && stringTest(operator, text, v));
    }
    case 'anything-but':
      return leaves(field).some((v) => !anythingButExcludes(operand, v, at));
    case 'numeric': {
      const test = numericTest(operand, at);
      return leaves(field).some((v) => typeof v === 'number' && test(v));
    }
    default:
      throw new FilterPatternError(`${at}: unsupported filter operator`);
  }
}

function stringOperand(operand: unknown, path: string): string {
  if (typeof operand !== 'string') throw new FilterPatternError(`${path}: expects a string`);
  return operand;
}

function stringTest(operator: 'prefix' | 'suffix' | 'equals-ignore-case', text: string, value: string): boolean {
  if (operator === 'prefix') return value.startsWith(text);
  if (operator === 'suffix') return value.endsWith(text);
  return value.toLowerCase() === text.toLowerCase();
}

function anythingButExcludes(operand: unknown, value: string | number | boolean | null, path: string): boolean {
  if (isScalar(operand)) return value === operand;
  if (Array.isArray(operand)) {
    if (operand.length === 0 || !operand.every(isScalar)) throw new FilterPatternError(`${path}: expects a value or a non-empty list of values`);
    return operand.includes(value);
  }
  if (isPlainObject(operand)) {
    const [operator, text, ...rest] = Object.entries(operand).flat();
    if (rest.length === 0 && (operator === 'prefix' || operator === 'suffix') && typeof text === 'string') {
      return typeof value === 'string' && stringTest(operator, text, value);
    }
  }
  throw new FilterPatternError(`${path}: expects a value, a list of values, { prefix } or { suffix }`);
}

const COMPARATORS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numericTest(operand: unknown, path: string): (value: number) => boolean {
  const problem = new FilterPatternError(`${path}: expects [op, number, ...] with op one of = < <= > >=`);
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) throw problem;
  const tests: ((value: number) => boolean)[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const compare = COMPARATORS[String(operand[i])];
    const bound = operand[i + 1];
    if (compare === undefined || typeof bound !== 'number') throw problem;
    tests.push((value) => compare(value, bound));
  }
  return (value) => tests.every((test) => test(value));
}

function validateObject(pattern: unknown, path: string): void {
  if (!isPlainObject(pattern)) throw new FilterPatternError(`${path}: a pattern is a JSON object`);
  for (const [key, rule] of Object.entries(pattern)) {
    const at = `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2) throw new FilterPatternError(`${at}: $or needs an array of at least two pattern objects`);
      rule.forEach((alternative, i) => validateObject(alternative, `${at}[${i}]`));
    } else if (Array.isArray(rule)) {
      // Evaluating against a missing field still walks every operator's validation.
      if (rule.length === 0) throw new FilterPatternError(`${at}: an empty array matches nothing and is refused`);
      rule.forEach((r, i) => matchRule(r, Array.isArray(r) ? undefined : probeFor(r), `${at}[${i}]`));
    } else {
      validateObject(rule, at);
    }
  }
}

/** A leaf value that makes `matchRule` reach the operand checks of every operator. */
function probeFor(rule: unknown): unknown {
  if (isPlainObject(rule) && 'numeric' in rule) return 0;
  return '';
}
