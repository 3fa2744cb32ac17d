import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REGISTRY_ADMIN_OPENAPI_FILE, buildRegistryAdminOpenApi } from "./registry-admin.openapi.js";
import { formatOpenApi } from "@opendsp/platform";

describe("openapi/registry-admin.json", () => {
  it("is what the route schemas generate (run services/registry/src/openapi/write-openapi.ts and commit)", async () => {
    const committed = await readFile(join(import.meta.dirname, "..", "..", "..", "..", REGISTRY_ADMIN_OPENAPI_FILE), "utf8");
    expect(committed).toBe(formatOpenApi(await buildRegistryAdminOpenApi()));
  });

  it("describes the admin operations and the document lookup with their problem responses", async () => {
    type Operation = { responses: Record<string, unknown>; summary?: string; tags?: string[]; requestBody?: unknown };
    const document = (await buildRegistryAdminOpenApi()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual(["/api/documents/lookup", "/api/patients/merge", "/api/patients/{patientId}", "/api/stats", "/api/stats.csv"]);
    const lookup = document.paths["/api/documents/lookup"]?.["post"];
    expect(Object.keys(lookup?.responses ?? {}).sort()).toEqual(["200", "400", "500"]);
    expect(lookup?.tags).toEqual(["documents"]);
    expect(JSON.stringify(lookup?.requestBody)).toContain('"maxItems":1000');
    expect(document.paths["/api/patients/merge"]?.["post"]?.tags).toEqual(["patients"]);
    expect(Object.keys(document.paths["/api/patients/{patientId}"] ?? {}).sort()).toEqual(["get", "put"]);
    expect(Object.keys(document.paths["/api/patients/merge"]?.["post"]?.responses ?? {}).sort()).toEqual(["200", "400", "404", "409", "500"]);
    expect(document.paths["/api/stats"]?.["get"]?.tags).toEqual(["stats"]);
    expect(Object.keys(document.paths["/api/stats.csv"]?.["get"]?.responses ?? {}).sort()).toEqual(["200", "500"]);
    for (const path of Object.values(document.paths)) for (const op of Object.values(path)) expect(op.summary).toBeTruthy();
  });
});
