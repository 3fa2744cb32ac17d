import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { MtomAttachment } from "../mtom/read-mtom.js";
import { SoapError } from "../soap-error.js";
import { resolveXopIncludes } from "./resolve-includes.js";

function part(contentId: string, text: string): MtomAttachment {
  return { contentId, headers: {}, body: Readable.from([Buffer.from(text)]) };
}

async function* parts(...list: MtomAttachment[]): AsyncGenerator<MtomAttachment> {
  for (const p of list) {
    await Promise.resolve(); // parts arrive asynchronously, as from a socket
    yield p;
  }
}

const discard = (_key: string, a: MtomAttachment): Promise<void> => {
  a.body.resume();
  return Promise.resolve();
};

async function sha1(body: Readable): Promise<string> {
  const h = createHash("sha1");
  for await (const chunk of body) h.update(chunk as Buffer);
  return h.digest("hex");
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SoapError) return e.code;
    throw e;
  }
  return "no error";
}

describe("resolveXopIncludes", () => {
  it("streams each referenced part to its include, matching encoded hrefs and bracketed Content-IDs", async () => {
    const got: Record<string, string> = {};
    const result = await resolveXopIncludes(
      [
        { key: "Document01", href: "cid:1.urn%3Auuid%3Aabc%40apache.org" },
        { key: "Document02", href: "CID:doc2@opendsp" },
      ],
      parts(part("<1.urn:uuid:abc@apache.org>", "one"), part("extra@x", "ignored"), part("doc2@opendsp", "two")),
      async (key, a) => {
        got[key] = await sha1(a.body);
      },
    );
    expect(got).toEqual({
      Document01: createHash("sha1").update("one").digest("hex"),
      Document02: createHash("sha1").update("two").digest("hex"),
    });
    expect(result.unreferencedParts).toBe(1);
  });

  it("refuses an href to a part that is not in the message", async () => {
    const p = resolveXopIncludes([{ key: "Document01", href: "cid:missing@x" }], parts(part("other@x", "b")), discard);
    expect(await codeOf(p)).toBe("MTOM_MISSING_PART");
  });

  it("refuses hrefs that are not cid: URLs before reading any part", async () => {
    let read = false;
    const source = (async function* () {
      await Promise.resolve();
      read = true;
      yield part("a@x", "a");
    })();
    for (const href of ["http://evil.example/doc", "file:///etc/passwd", "cid:", "a@x"]) {
      expect(await codeOf(resolveXopIncludes([{ key: "D", href }], source, discard))).toBe("MTOM_BAD_INCLUDE");
    }
    expect(read).toBe(false);
  });

  it("refuses two includes of the same part", async () => {
    const p = resolveXopIncludes(
      [
        { key: "Document01", href: "cid:a@x" },
        { key: "Document02", href: "cid:a%40x" },
      ],
      parts(part("a@x", "a")),
      discard,
    );
    expect(await codeOf(p)).toBe("MTOM_BAD_INCLUDE");
  });
});
