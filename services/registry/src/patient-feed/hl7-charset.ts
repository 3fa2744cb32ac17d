/**
 * The character set of an HL7 v2 message is named in MSH-18 (HL7 v2.3.1 ch. 2.24.1.18, table 0211); without it the
 * message is ASCII. Luxembourg's senders use UTF-8 or ISO 8859-1 (names like "Müller"). The registry reads only
 * ASCII fields (MSH, PID-3, MRG-1), so the choice matters for echoing MSH fields back in the ACK, not for the ids:
 * every ISO 8859 part is read as Latin-1 and anything else as UTF-8.
 */
export type Hl7Charset = "utf8" | "latin1";

/** Decodes a frame: MSH-18 is read from the bytes as Latin-1 (MSH is ASCII), then the whole message accordingly. */
export function decodeHl7(payload: Buffer): { readonly text: string; readonly charset: Hl7Charset } {
  const charset = charsetOf(payload);
  return { text: payload.toString(charset), charset };
}

export function encodeHl7(text: string, charset: Hl7Charset): Buffer {
  return Buffer.from(text, charset);
}

function charsetOf(payload: Buffer): Hl7Charset {
  const firstSegment = payload.subarray(0, Math.min(payload.length, 2048)).toString("latin1").split(/[\r\n]/, 1)[0] ?? "";
  if (!firstSegment.startsWith("MSH") || firstSegment.length < 4) return "utf8";
  const fields = firstSegment.split(firstSegment.charAt(3));
  // fields[0] is "MSH" and MSH-1 is the separator itself, so MSH-n is fields[n - 1].
  const msh18 = (fields[17] ?? "").trim().toUpperCase();
  return msh18.startsWith("8859/") ? "latin1" : "utf8";
}
