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

/** The document of an app built for its route schemas, once every route is registered; the app is closed after. */
export async function openApiDocumentOf(app: { ready(): PromiseLike<unknown>; swagger(): unknown; close(): PromiseLike<unknown> }): Promise<Record<string, unknown>> {
  await app.ready();
  const document = app.swagger() as Record<string, unknown>;
  await app.close();
  return document;
}

/** A route response for the document, with its description; errors are RFC 9457 problem details. */
export function describedResponse(status: string, body: unknown, description: string): unknown {
  if (Number(status) >= 400) return { description, content: { "application/problem+json": { schema: body } } };
  return { ...(body as object), description };
}
