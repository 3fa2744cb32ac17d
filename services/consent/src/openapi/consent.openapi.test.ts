import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONSENT_OPENAPI_FILE, buildConsentOpenApi } from "./consent.openapi.js";
import { formatOpenApi } from "@opendsp/platform";

type Operation = { responses: Record<string, unknown>; summary?: string; parameters?: { in: string; name: string }[] };

describe("openapi/consent.json", () => {
  it("is what the route schemas generate (run services/consent/src/openapi/write-openapi.ts and commit)", async () => {
    const committed = await readFile(join(import.meta.dirname, "..", "..", "..", "..", CONSENT_OPENAPI_FILE), "utf8");
    expect(committed).toBe(formatOpenApi(await buildConsentOpenApi()));
  });

  it("describes every operation with a summary, problem responses and, on patient routes, the actor header", async () => {
    const document = (await buildConsentOpenApi()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
    expect(document.openapi).toBe("3.1.0");
    const operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations).toHaveLength(26);
    for (const { path, method, op } of operations) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["400", "500"]));
      const hasActorHeader = (op.parameters ?? []).some((p) => p.in === "header" && p.name === "x-opendsp-actor");
      expect(hasActorHeader, `${method} ${path}`).toBe(path.startsWith("/api/consent/patients/"));
    }
    expect(Object.keys(document.paths["/internal/statistics"]?.["get"]?.responses ?? {}).sort()).toEqual(["200", "400", "500"]);
    expect(Object.keys(document.paths["/api/consent/patients/{patientId}/presence-grants"]?.["post"]?.responses ?? {}).sort()).toEqual(["201", "400", "401", "403", "409", "429", "500"]);
  });
});
