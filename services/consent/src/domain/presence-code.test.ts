import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PRESENCE_CODE_ALPHABET, PRESENCE_CODE_LENGTH, generatePresenceCode, hashPresenceCode, normalizePresenceCode } from "./presence-code.js";

describe("presence codes", () => {
  it("are 8 characters of the unambiguous alphabet, and differ from one another", () => {
    const codes = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = generatePresenceCode();
      expect(code).toMatch(new RegExp(`^[${PRESENCE_CODE_ALPHABET}]{${PRESENCE_CODE_LENGTH}}$`));
      codes.add(code);
    }
    expect(codes.size).toBe(500);
    expect(PRESENCE_CODE_ALPHABET).not.toMatch(/[01ILO]/);
  });

  it("are read without regard to case, spaces or hyphens", () => {
    expect(normalizePresenceCode(" abcd-efgh ")).toBe("ABCDEFGH");
  });

  it("hash under the key and the patient: another key or another patient gives another hash, and the hash does not contain the code", () => {
    const key = randomBytes(32);
    const hash = hashPresenceCode(key, "p1", "ABCDEFGH");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain("ABCDEFGH");
    expect(hashPresenceCode(key, "p1", "abcd-efgh")).toBe(hash);
    expect(hashPresenceCode(key, "p2", "ABCDEFGH")).not.toBe(hash);
    expect(hashPresenceCode(randomBytes(32), "p1", "ABCDEFGH")).not.toBe(hash);
  });
});
