import { checkAffinityDomainCodes, parseCodesXml, parseXml, Problems, validateProvideAndRegister, xdsMetadataFromRim } from "@opendsp/ebxml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocumentSubmission } from "../metadata/document-submission.builder.js";
import { SEED_MIX } from "./seed-mix.js";
import { SeededRandom } from "./seeded-random.js";
import { syntheticDocument } from "./synthetic-document.js";
import { MAX_SEED_PATIENTS, syntheticPatient } from "./synthetic-people.js";

const codes = parseCodesXml(readFileSync(join(import.meta.dirname, "../../../../services/registry/config/codes.xml")));
const UNTIL = new Date(Date.UTC(2026, 10, 1, 23, 59, 59));

describe("SeededRandom", () => {
  it("gives the same stream for the same seed and keys, another for others", () => {
    const a = new SeededRandom(7, "document", 3);
    const b = new SeededRandom(7, "document", 3);
    const draws = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(draws);
    expect(new SeededRandom(7, "document", 4).nextUint32()).not.toBe(draws[0]);
    expect(new SeededRandom(8, "document", 3).nextUint32()).not.toBe(draws[0]);
  });

  it("draws within bounds, shuffles without losing items and writes version 4 UUIDs", () => {
    const rng = new SeededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const n = rng.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
    expect(rng.shuffled([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("synthetic patients", () => {
  it("have distinct CX ids of the DSP authority, shaped like the 13-digit national number", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const p = syntheticPatient(42, i, UNTIL);
      expect(p.patientId).toMatch(/^\d{13}\^\^\^&1\.3\.6\.1\.4\.1\.59999\.2\.1&ISO$/);
      expect(p.patientId.startsWith(p.birthDate)).toBe(true);
      ids.add(p.patientId);
    }
    expect(ids.size).toBe(2000);
    expect(MAX_SEED_PATIENTS).toBe(100_000);
  });
});

describe("synthetic documents", () => {
  it("are the same for the same seed, index and end date (entryUUIDs aside)", () => {
    const a = syntheticDocument(7, 12, 50, UNTIL);
    const b = syntheticDocument(7, 12, 50, UNTIL);
    expect(b.content.equals(a.content)).toBe(true);
    expect(b.metadata.ids.documentUniqueId).toBe(a.metadata.ids.documentUniqueId);
    expect({ ...b.metadata, ids: undefined }).toEqual({ ...a.metadata, ids: undefined });
    expect(b.metadata.ids.entryUuid).not.toBe(a.metadata.ids.entryUuid);
    expect(syntheticDocument(8, 12, 50, UNTIL).metadata.ids.documentUniqueId).not.toBe(a.metadata.ids.documentUniqueId);
  });

  it("pass the ITI-41 rules and the default domain's code checks, in every category of the mix", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const doc = syntheticDocument(3, i, 40, UNTIL);
      seen.add(doc.mix.category.name);
      const { request } = buildDocumentSubmission({ ...doc.metadata, contentId: `part-${i}@test` });
      expect(validateProvideAndRegister(request).errors).toEqual([]);
      const problems = new Problems();
      checkAffinityDomainCodes(xdsMetadataFromRim(request.submitObjectsRequest.objects), codes, problems);
      expect(problems.list).toEqual([]);
      expect(doc.metadata.creationTime <= "20261101235959").toBe(true);
      expect(doc.metadata.creationTime.slice(0, 8) >= doc.patient.birthDate).toBe(true);
    }
    // The rarest categories (0.5 %) may be missing from 400 draws; the common ones are all there.
    for (const m of SEED_MIX.filter((x) => x.share >= 0.02)) expect(seen.has(m.category.name), m.category.name).toBe(true);
  });

  it("follow the mix: lab results are the largest share", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const name = syntheticDocument(5, i, 100, UNTIL).mix.category.name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const lab = counts.get("lab-result") ?? 0;
    expect(lab / 2000).toBeGreaterThan(0.28);
    expect(lab / 2000).toBeLessThan(0.4);
    expect(Math.max(...counts.values())).toBe(lab);
  });

  it("have content in their declared format", () => {
    const byMime = new Map<string, Buffer>();
    for (let i = 0; byMime.size < 3 && i < 500; i++) {
      const doc = syntheticDocument(9, i, 20, UNTIL);
      if (!byMime.has(doc.metadata.mimeType)) byMime.set(doc.metadata.mimeType, doc.content);
    }
    const pdf = byMime.get("application/pdf");
    expect(pdf?.subarray(0, 8).toString("latin1")).toBe("%PDF-1.4");
    expect(pdf?.toString("latin1").trimEnd().endsWith("%%EOF")).toBe(true);
    const xml = parseXml(byMime.get("text/xml") ?? Buffer.alloc(0));
    expect([xml.ns, xml.local]).toEqual(["urn:hl7-org:v3", "ClinicalDocument"]);
    expect(byMime.get("text/plain")?.toString("utf8")).toMatch(/^.+\n\nPatient : /);
  });
});
