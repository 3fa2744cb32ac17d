/** An OpenAPI document as committed under openapi/: stable two-space JSON with a final line break. */
export function formatOpenApi(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Dependencies for an app built only to read its route schemas (the OpenAPI generators): the handlers never run,
 * so any use of a dependency is a mistake and says so.
 */
export function describeOnlyDeps<Deps extends object>(): Deps {
  return new Proxy({} as Deps, {
    get(_target, property) {
      throw new Error(`the OpenAPI generator registered the routes only; a handler used deps.${String(property)}`);
    },
  });
}
