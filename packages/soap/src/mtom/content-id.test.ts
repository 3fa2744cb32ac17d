import { describe, expect, it } from "vitest";
import { contentIdFromHref, contentIdKey, contentIdsEqual, normalizeContentId } from "./content-id.js";
import { newContentId, xopHref } from "./write-mtom.js";

describe("Content-ID helpers", () => {
  it("normalizes header values with or without angle brackets", () => {
    expect(normalizeContentId(" <1.urn:uuid:3D4B@apache.org> ")).toBe("1.urn:uuid:3D4B@apache.org");
    expect(normalizeContentId("1.urn:uuid:3D4B@apache.org")).toBe("1.urn:uuid:3D4B@apache.org");
    expect(normalizeContentId("< a@b >")).toBe("a@b");
  });

  it("reads cid: hrefs, scheme case-insensitive and URL-decoded (RFC 2392)", () => {
    expect(contentIdFromHref("cid:1.urn:uuid:3D4B@apache.org")).toBe("1.urn:uuid:3D4B@apache.org");
    expect(contentIdFromHref("CID:1.urn%3Auuid%3A3D4B%40apache.org")).toBe("1.urn:uuid:3D4B@apache.org");
    expect(contentIdFromHref(" Cid:a%20b ")).toBe("a b");
    expect(contentIdFromHref("cid:100%")).toBe("100%");
    expect(contentIdFromHref("http://example.org/doc")).toBeUndefined();
    expect(contentIdFromHref("urn:uuid:x")).toBeUndefined();
  });

  it("compares encoded and plain forms", () => {
    expect(contentIdsEqual("cid:1.urn%3Auuid%3AABC".slice(4), "<1.urn:uuid:ABC>")).toBe(true);
    expect(contentIdsEqual(contentIdFromHref("cid:1.urn%3Auuid%3AABC"), "<1.urn:uuid:ABC>")).toBe(true);
    expect(contentIdsEqual("<a@b>", "a@b")).toBe(true);
    expect(contentIdsEqual("<a@b>", "<a@c>")).toBe(false);
    expect(contentIdsEqual(undefined, "a")).toBe(false);
    expect(contentIdKey("<1.urn%3Auuid%3AABC>")).toBe(contentIdKey("1.urn:uuid:ABC"));
  });

  it("makes unique ids and hrefs that resolve back to them", () => {
    const a = newContentId();
    const b = newContentId("example.org");
    expect(a).toMatch(/^[0-9a-f-]{36}@opendsp$/);
    expect(b).toMatch(/@example\.org$/);
    expect(a).not.toBe(newContentId());
    expect(xopHref("<1.urn:uuid:ABC@apache.org>")).toBe("cid:1.urn:uuid:ABC@apache.org");
    expect(xopHref("a b/c%d")).toBe("cid:a%20b%2Fc%25d");
    for (const id of [a, "a b/c%d", "1.urn:uuid:ABC@apache.org", "é@x"]) {
      expect(contentIdFromHref(xopHref(id))).toBe(id);
    }
  });
});
