import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * GET /docs: the OpenAPI UI over the committed OpenAPI documents of the JSON APIs (openapi/*.json, generated from
 * the services' route schemas). Each document is also served as JSON at /docs/openapi/<file>; the UI offers them
 * in its definition list. The JSON APIs sit at the same paths on the gateway, so "try it out" goes through it.
 */
export function registerDocsRoutes(app: FastifyInstance, openapiDir: string): void {
  const files = readdirSync(openapiDir).filter((f) => f.endsWith(".json")).sort();
  const documents = files.map((file) => ({ file, document: JSON.parse(readFileSync(join(openapiDir, file), "utf8")) as Record<string, unknown> }));
  const [main] = documents;
  if (!main) throw new Error(`no OpenAPI document (*.json) in ${openapiDir}`);

  void app.register(swagger, { mode: "static", specification: { document: main.document as never } });
  void app.register(swaggerUi, {
    routePrefix: "/docs",
    uiConfig: {
      urls: documents.map(({ file, document }) => ({ url: `/docs/openapi/${file}`, name: titleOf(document, file) })),
      deepLinking: false,
    },
  });
  for (const { file, document } of documents) {
    app.get(`/docs/openapi/${file}`, (_request, reply) => reply.send(document));
  }
}

function titleOf(document: Record<string, unknown>, file: string): string {
  const info = document["info"] as { title?: unknown } | undefined;
  return typeof info?.title === "string" ? info.title : file;
}
