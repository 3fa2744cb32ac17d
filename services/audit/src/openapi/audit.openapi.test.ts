import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { formatOpenApi } from "@opendsp/platform";
import { describe, expect, it } from "vitest";
import { AUDIT_OPENAPI_FILE, buildAuditOpenApi } from "./audit.openapi.js";

type Operation = { responses: Record<string, unknown>; summary?: string; parameters?: { in: string; name: string }[] };

describe("openapi/audit.json", () => {
  it("is what the route schemas generate (run services/audit/src/openapi/write-openapi.ts and commit)", async () => {
    const committed = await readFile(join(import.meta.dirname, "..", "..", "..", "..", AUDIT_OPENAPI_FILE), "utf8");
    expect(committed).toBe(formatOpenApi(await buildAuditOpenApi()));
  });

  it("describes every operation with a summary, problem responses and, on reading routes, the actor header", async () => {
    const document = (await buildAuditOpenApi()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
    expect(document.openapi).toBe("3.1.0");
    const operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      "get /api/audit/admin/dead-letter",
      "get /api/audit/admin/received-messages",
      "get /api/audit/patients/{patientId}/accesses",
      "get /fhir/AuditEvent",
      "post /internal/audit-events",
    ]);
    for (const { path, method, op } of operations) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["400", "500"]));
      const hasActorHeader = (op.parameters ?? []).some((p) => p.in === "header" && p.name === "x-opendsp-actor");
      expect(hasActorHeader, `${method} ${path}`).toBe(path !== "/internal/audit-events");
    }
    expect(Object.keys(document.paths["/internal/audit-events"]?.["post"]?.responses ?? {}).sort()).toEqual(["200", "400", "413", "500", "503"]);
  });
});
