import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Request validation for the API. Unlike Fastify's default, unknown fields are refused (not silently dropped) and a
 * body's types are not coerced ("5" is not a number); query strings and path parameters arrive as text, so they are.
 */
function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes, allErrors: false, strict: false });
  // biome-ignore lint/suspicious/noExplicitAny: ajv-formats' default export is typed for CommonJS callers.
  (addFormats as any)(ajv);
  return ajv;
}

const strict = makeAjv(false);
const textual = makeAjv('array');

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : textual).compile(schema as object);
