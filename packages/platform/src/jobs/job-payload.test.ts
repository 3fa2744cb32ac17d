import { describe, expect, it } from "vitest";
import { MAX_JOB_PAYLOAD_BYTES, serializeJobPayload } from "./job-payload.js";
import { retryDelayMs } from "./job-rules.js";

describe("job payloads", () => {
  it("accepts a small object of ids and keys and gives its JSON", () => {
    expect(serializeJobPayload("sweep", { requestId: "r-1", blobKey: "documents/2026/01/x" })).toBe('{"requestId":"r-1","blobKey":"documents/2026/01/x"}');
  });

  it("accepts exactly the limit and refuses one byte more, naming sizes", () => {
    const overhead = Buffer.byteLength('{"k":""}');
    expect(() => serializeJobPayload("j", { k: "a".repeat(MAX_JOB_PAYLOAD_BYTES - overhead) })).not.toThrow();
    expect(() => serializeJobPayload("j", { k: "a".repeat(MAX_JOB_PAYLOAD_BYTES - overhead + 1) })).toThrow(
      `the payload of job j is ${MAX_JOB_PAYLOAD_BYTES + 1} bytes, over the limit of ${MAX_JOB_PAYLOAD_BYTES}`,
    );
    // Measured in UTF-8 bytes, not characters.
    expect(() => serializeJobPayload("j", { k: "é".repeat(MAX_JOB_PAYLOAD_BYTES / 2) })).toThrow(/over the limit/);
  });

  it("refuses binary values wherever they are, and what JSON cannot hold", () => {
    expect(() => serializeJobPayload("j", { doc: Buffer.from("abc") })).toThrow(/binary data at "doc"/);
    expect(() => serializeJobPayload("j", { nested: { bytes: new Uint8Array(3) } })).toThrow(/binary data at "bytes"/);
    expect(() => serializeJobPayload("j", { n: 1n })).toThrow(/bigint/);
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    expect(() => serializeJobPayload("j", circular)).toThrow(/not serializable/);
    expect(() => serializeJobPayload("j", [1, 2])).toThrow(/JSON object/);
    expect(() => serializeJobPayload("j", null)).toThrow(/JSON object/);
  });

  it("backs off exponentially from the base delay", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(1000, n))).toEqual([1000, 2000, 4000, 8000]);
  });
});
