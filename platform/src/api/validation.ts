import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { PlatformError } from '../errors.ts';

/**
 * Request validation for the API. Unlike Fastify's default, unknown fields are refused (not silently dropped) and a
 * body's types are not coerced ("5" is not a number); query strings and path parameters arrive as text, so they are.
 * `verbose` keeps each failing schema on its error, so a refusal can quote the field's description.
 */
function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    coerceTypes,
    allErrors: false,
    strict: false,
    verbose: true,
  });
  // biome-ignore lint/suspicious/noExplicitAny: ajv-formats' default export is typed for CommonJS callers.
  (addFormats as any)(ajv);
  return ajv;
}

const strict = makeAjv(false);
const textual = makeAjv('array');

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : textual).compile(schema as object);

type ValidationError = FastifySchemaValidationError & { parentSchema?: { description?: unknown } };

/** Fastify's names for the parts of a request, as a client reads them in a message. */
const PART: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

/**
 * One sentence naming the field and what is wrong with it ("body.displayName must have at most 40 characters"), as
 * a 400 BAD_REQUEST; Fastify's own would say "body must NOT have additional properties" without naming the field.
 */
export function schemaErrorFormatter(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const error = errors[0] as ValidationError | undefined;
  if (error === undefined) return new PlatformError(400, 'BAD_REQUEST', `the request's ${dataVar} is not valid`);
  return new PlatformError(400, 'BAD_REQUEST', describe(error, PART[dataVar] ?? dataVar));
}

function describe(error: ValidationError, part: string): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((s: string) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const field = [part, ...path].join('.');
  const params = error.params as Record<string, unknown>;
  const hint = typeof error.parentSchema?.description === 'string' ? ` (${error.parentSchema.description})` : '';
  switch (error.keyword) {
    case 'additionalProperties':
      return `${field}.${String(params.additionalProperty)} is not a field this request takes; remove it`;
    case 'required':
      return `${field}.${String(params.missingProperty)} is required`;
    case 'type':
      return `${field} must be ${article(String(params.type))}`;
    case 'maxLength':
      return `${field} must have at most ${String(params.limit)} characters`;
    case 'minLength':
      return `${field} must have at least ${String(params.limit)} characters`;
    case 'pattern':
    case 'format':
      return `${field} is not valid${hint}`;
    case 'enum':
      return `${field} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${field} ${error.message ?? 'is not valid'}${hint}`;
  }
}

function article(type: string): string {
  const name = type.replaceAll(',', ' or ');
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}
