import type { FastifySchemaCompiler } from "fastify";
import type { TSchema } from "typebox";
import { Compile } from "typebox/compile";

/**
 * Request validation with TypeBox instead of Fastify's default Ajv setup, which removes unknown properties and
 * coerces types silently: a misspelt or extra field must be refused, never half-read (a consent rule half-read is a
 * wrong rule; an access-history filter ignored shows too much).
 * Only the query string, where every value arrives as text, is converted to the schema's types and defaulted.
 */
export const strictValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const validator = Compile(schema as TSchema);
  return (data: unknown) => {
    const value = httpPart === "querystring" ? validator.Convert(validator.Default(structuredClone(data ?? {}))) : data;
    if (validator.Check(value)) return { value };
    const validation = validator.Errors(value).map((e) => ({ instancePath: e.instancePath, message: e.message }));
    const first = validation[0];
    const error = Object.assign(new Error(`${httpPart ?? "request"}${first ? `${first.instancePath || ""} ${first.message}` : " is invalid"}`), { validation });
    return { error };
  };
};
