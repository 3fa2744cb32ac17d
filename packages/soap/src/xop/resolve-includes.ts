import { SoapError } from "../soap-error.js";
import { contentIdKey } from "../mtom/content-id.js";
import type { MtomAttachment } from "../mtom/read-mtom.js";

/** One xop:Include of the root part: `key` is the caller's name for it (a Document id), `href` as sent. */
export interface XopInclude {
  readonly key: string;
  readonly href: string;
}

export interface ResolvedIncludes {
  /** Parts no xop:Include referred to; they were read and discarded. */
  readonly unreferencedParts: number;
}

/**
 * Hands each attachment that an xop:Include refers to over to `onPart`, in the order the parts arrive, so the
 * bytes are streamed once and never held whole. XOP 1.0 §3: an include's href is a `cid:` URL (RFC 2392) naming
 * a part of the same package; anything else, a part named twice, or a name that no part carries is refused.
 * `onPart` must read the attachment body to its end (or destroy it) before it resolves.
 */
export async function resolveXopIncludes(
  includes: readonly XopInclude[],
  attachments: AsyncIterable<MtomAttachment>,
  onPart: (key: string, attachment: MtomAttachment) => Promise<void>,
): Promise<ResolvedIncludes> {
  const wanted = new Map<string, XopInclude>();
  for (const include of includes) {
    const href = include.href.trim();
    if (!/^cid:./i.test(href)) {
      throw new SoapError("MTOM_BAD_INCLUDE", `xop:Include of ${include.key} does not name a cid: part of this message`);
    }
    // Decoded once, like the Content-ID headers it is matched against (RFC 2392 §2).
    const key = contentIdKey(href.slice(4));
    const other = wanted.get(key);
    if (other) {
      throw new SoapError("MTOM_BAD_INCLUDE", `xop:Include of ${include.key} names the same part as ${other.key}`);
    }
    wanted.set(key, include);
  }

  const found = new Set<string>();
  let unreferencedParts = 0;
  for await (const attachment of attachments) {
    const key = contentIdKey(attachment.contentId);
    const include = wanted.get(key);
    if (!include || found.has(key)) {
      unreferencedParts++;
      attachment.body.resume();
      continue;
    }
    found.add(key);
    await onPart(include.key, attachment);
  }

  const missing = [...wanted].filter(([key]) => !found.has(key)).map(([, include]) => include.key);
  if (missing.length > 0) {
    throw new SoapError("MTOM_MISSING_PART", `xop:Include of ${missing.join(", ")} names no MIME part of this message`);
  }
  return { unreferencedParts };
}
