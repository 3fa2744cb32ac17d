import { emptyDocumentEntry, type DocumentEntry } from "@opendsp/ebxml";
import { describe, expect, it } from "vitest";
import { checkDeclaredHashAndSize, checkRepositoryRules, checkSameDocument } from "./iti-41-repository.rules.js";

const entry = (overrides: Partial<DocumentEntry>): DocumentEntry => emptyDocumentEntry("Document01", { uniqueId: "1.2.3.4", ...overrides });
const measured = { hash: "da39a3ee5e6b4b0d3255bfef95601890afd80709", size: 0 };

describe("ITI-41 repository rules", () => {
  it("accepts an absent or equal repositoryUniqueId and refuses another repository's", () => {
    expect(checkRepositoryRules([entry({}), entry({ repositoryUniqueId: "1.9" })], "1.9")).toEqual([]);
    const [error] = checkRepositoryRules([entry({ repositoryUniqueId: "1.8" })], "1.9");
    expect(error).toMatchObject({ errorCode: "XDSRepositoryMetadataError", location: "1.2.3.4" });
  });

  it("compares a declared hash without regard to case and a declared size as a number", () => {
    expect(checkDeclaredHashAndSize(entry({}), measured)).toEqual([]);
    expect(checkDeclaredHashAndSize(entry({ hash: measured.hash.toUpperCase(), size: "0" }), measured)).toEqual([]);
    expect(checkDeclaredHashAndSize(entry({ size: "000" }), measured)).toEqual([]);
    expect(checkDeclaredHashAndSize(entry({ hash: "0".repeat(40), size: "1" }), measured).map((e) => e.errorCode)).toEqual([
      "XDSNonIdenticalHash",
      "XDSNonIdenticalSize",
    ]);
    expect(checkDeclaredHashAndSize(entry({ size: "-0" }), measured).map((e) => e.errorCode)).toEqual(["XDSNonIdenticalSize"]);
  });

  it("accepts a document provided again only with the same bytes as the one stored", () => {
    const held = { documentUniqueId: "1.2.3.4", hash: measured.hash, size: 0 };
    expect(checkSameDocument(held, measured)).toEqual([]);
    expect(checkSameDocument({ ...held, hash: "f".repeat(40), size: 7 }, measured).map((e) => [e.errorCode, e.location])).toEqual([
      ["XDSNonIdenticalHash", "1.2.3.4"],
      ["XDSNonIdenticalSize", "1.2.3.4"],
    ]);
  });
});
