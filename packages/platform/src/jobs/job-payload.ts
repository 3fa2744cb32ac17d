import { JobQueueError } from "./job-errors.js";

/**
 * Largest payload accepted, as UTF-8 JSON. Jobs carry ids and object keys: a document on a queue is what made a
 * national gateway hit its broker's 1 MB message limit, and it would sit in Redis until the job is gone.
 */
export const MAX_JOB_PAYLOAD_BYTES = 64 * 1024;

/**
 * The payload as it is stored, checked: a plain JSON object, no binary values (a Buffer would serialize to a list of
 * numbers), at most MAX_JOB_PAYLOAD_BYTES. Both queues store this string, so handlers see the same values on both
 * (a Date arrives as its ISO string).
 */
export function serializeJobPayload(name: string, payload: unknown): string {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new JobQueueError("JOB_PAYLOAD_INVALID", `the payload of job ${name} must be a JSON object`);
  }
  let json: string;
  try {
    json = JSON.stringify(payload, (key, value: unknown) => {
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || isSerializedBuffer(value)) {
        throw new JobQueueError(
          "JOB_PAYLOAD_INVALID",
          `the payload of job ${name} holds binary data at "${key}": put the bytes in the blob store and the key on the queue`,
        );
      }
      if (typeof value === "bigint") throw new JobQueueError("JOB_PAYLOAD_INVALID", `the payload of job ${name} holds a bigint at "${key}"`);
      return value;
    });
  } catch (cause) {
    if (cause instanceof JobQueueError) throw cause;
    throw new JobQueueError("JOB_PAYLOAD_INVALID", `the payload of job ${name} is not serializable as JSON`, { cause });
  }
  const size = Buffer.byteLength(json, "utf8");
  if (size > MAX_JOB_PAYLOAD_BYTES) {
    throw new JobQueueError(
      "JOB_PAYLOAD_TOO_LARGE",
      `the payload of job ${name} is ${size} bytes, over the limit of ${MAX_JOB_PAYLOAD_BYTES}: jobs carry ids and object keys, never document bytes`,
    );
  }
  return json;
}

/** Buffer#toJSON runs before the replacer sees the value: `{ type: "Buffer", data: [...] }`. */
function isSerializedBuffer(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "Buffer" &&
    Array.isArray((value as { data?: unknown }).data)
  );
}
