import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../testing/memory-io.js";
import { assertionXmlOf, userAssertion } from "./user-assertion.js";

const XML = `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1"/>`;
const BASE64URL = Buffer.from(XML).toString("base64url");

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opendsp-cli-token-"));
  await writeFile(join(dir, "token.xml"), `${XML}\n`);
  await writeFile(join(dir, "token.b64"), `${BASE64URL}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the user's assertion of --token and OPENDSP_TOKEN", () => {
  it("takes the XML or its base64url, padded or not, and gives the XML", () => {
    expect(assertionXmlOf(`  ${XML}\n`, "x")).toBe(XML);
    expect(assertionXmlOf(BASE64URL, "x")).toBe(XML);
    expect(assertionXmlOf(Buffer.from(XML).toString("base64"), "x")).toBe(XML);
  });

  it("refuses what is neither, naming where it came from", () => {
    expect(() => assertionXmlOf("not a token!", "OPENDSP_TOKEN")).toThrow(/OPENDSP_TOKEN holds no XUA assertion/);
    expect(() => assertionXmlOf(Buffer.from("plain text").toString("base64url"), "t.txt")).toThrow(/t\.txt holds no XUA assertion/);
  });

  it("reads --token from a file relative to the user's directory, or from stdin with -", async () => {
    expect(await userAssertion("token.xml", memoryIo({ cwd: dir }).io)).toBe(XML);
    expect(await userAssertion("token.b64", memoryIo({ cwd: dir }).io)).toBe(XML);
    expect(await userAssertion("-", memoryIo({ cwd: dir, stdin: `${BASE64URL}\n` }).io)).toBe(XML);
  });

  it("takes OPENDSP_TOKEN when there is no --token, and --token over it", async () => {
    expect(await userAssertion(undefined, memoryIo({ env: { OPENDSP_TOKEN: BASE64URL } }).io)).toBe(XML);
    const other = `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_2"/>`;
    expect(await userAssertion("token.xml", memoryIo({ cwd: dir, env: { OPENDSP_TOKEN: other } }).io)).toBe(XML);
  });

  it("gives none when neither is set, or the variable is empty", async () => {
    expect(await userAssertion(undefined, memoryIo().io)).toBeUndefined();
    expect(await userAssertion(undefined, memoryIo({ env: { OPENDSP_TOKEN: " " } }).io)).toBeUndefined();
  });

  it("says which file cannot be read, with the file exit kind", async () => {
    await expect(userAssertion("missing.xml", memoryIo({ cwd: dir }).io)).rejects.toMatchObject({ kind: "file", message: expect.stringContaining("missing.xml") as unknown });
  });
});
