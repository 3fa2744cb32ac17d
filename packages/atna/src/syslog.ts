import { AtnaError } from "./atna-error.js";

/** RFC 5424 section 6.2.1: facility 10 is security/authorization (authpriv), the one ITI-20 uses. */
export const AUTHPRIV_FACILITY = 10;
/** ITI TF-2 3.20.4.1 (ITI-20 over RFC 5424): the MSGID of a DICOM/RFC 3881 audit message. */
export const IHE_AUDIT_MSGID = "IHE+RFC-3881";
const NILVALUE = "-";
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface SyslogStructuredData {
  readonly id: string;
  readonly params: readonly { readonly name: string; readonly value: string }[];
}

export interface SyslogMessageInput {
  /** 0..23; ITI-20 uses 10 (authpriv). */
  readonly facility?: number;
  /** 0..7; ITI-20 audit messages are 5 (notice) by custom. */
  readonly severity: number;
  readonly timestamp: Date | string;
  readonly hostname?: string;
  readonly appName?: string;
  readonly procId?: string;
  readonly msgId?: string;
  readonly structuredData?: readonly SyslogStructuredData[];
  /** The MSG part; a string is written as MSG-UTF8 (BOM first), bytes as MSG-ANY unless `bom` is set. */
  readonly message: string | Uint8Array;
  readonly bom?: boolean;
}

export interface SyslogMessage {
  readonly facility: number;
  readonly severity: number;
  /** 1 for RFC 5424; 0 for a legacy RFC 3164 (BSD) header. */
  readonly version: number;
  /** As received; absent for NILVALUE. */
  readonly timestamp?: string;
  readonly hostname?: string;
  readonly appName?: string;
  readonly procId?: string;
  readonly msgId?: string;
  readonly structuredData: readonly SyslogStructuredData[];
  /** The MSG bytes, the BOM removed; a view into the input, not a copy. */
  readonly message: Buffer;
  /** Whether MSG started with the UTF-8 BOM (MSG-UTF8, RFC 5424 section 6.4). */
  readonly bom: boolean;
}

/**
 * Formats an RFC 5424 message (section 6): PRI VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG.
 * Header fields must be printable US-ASCII without spaces within the section 6 length limits; an absent or empty one
 * is written as NILVALUE.
 */
export function formatSyslogMessage(input: SyslogMessageInput): Buffer {
  const facility = input.facility ?? AUTHPRIV_FACILITY;
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) invalid(`facility ${facility} is not 0..23`);
  if (!Number.isInteger(input.severity) || input.severity < 0 || input.severity > 7) invalid(`severity ${input.severity} is not 0..7`);
  const timestamp = typeof input.timestamp === "string" ? input.timestamp : input.timestamp.toISOString();
  if (!TIMESTAMP.test(timestamp)) invalid(`timestamp ${timestamp} is not an RFC 5424 TIMESTAMP`);
  const header = [
    `<${facility * 8 + input.severity}>1`,
    timestamp,
    headerField("HOSTNAME", input.hostname, 255),
    headerField("APP-NAME", input.appName, 48),
    headerField("PROCID", input.procId, 128),
    headerField("MSGID", input.msgId, 32),
    formatStructuredData(input.structuredData ?? []),
  ].join(" ");
  const body = typeof input.message === "string" ? Buffer.from(input.message, "utf8") : Buffer.from(input.message);
  const bom = input.bom ?? typeof input.message === "string";
  return Buffer.concat([Buffer.from(`${header} `, "ascii"), bom ? BOM : Buffer.alloc(0), body]);
}

/** RFC 5424 section 6.2.3 (RFC 3339 with the restrictions of 6.2.3.1) or NILVALUE. */
const TIMESTAMP = /^(-|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}))$/;

function headerField(name: string, value: string | undefined, max: number): string {
  if (value === undefined || value === "") return NILVALUE;
  if (value.length > max || !/^[\x21-\x7e]+$/.test(value)) invalid(`${name} must be 1 to ${max} printable US-ASCII characters`);
  return value;
}

/** RFC 5424 section 6.3: SD-NAME is printable US-ASCII except '=', SP, ']', '"'; '"', '\' and ']' escaped in values. */
function formatStructuredData(elements: readonly SyslogStructuredData[]): string {
  if (elements.length === 0) return NILVALUE;
  return elements
    .map((e) => {
      sdName(e.id);
      const params = e.params.map((p) => ` ${sdName(p.name)}="${p.value.replace(/["\\\]]/g, (c) => `\\${c}`)}"`);
      return `[${e.id}${params.join("")}]`;
    })
    .join("");
}

function sdName(name: string): string {
  if (!/^[\x21-\x7e]{1,32}$/.test(name) || /[= \]"]/.test(name)) invalid(`"${name}" is not an SD-NAME`);
  return name;
}

function invalid(message: string): never {
  throw new AtnaError("ATNA_SYSLOG_INVALID_FIELD", message);
}

/**
 * Parses one syslog message. RFC 5424 first; tolerated, as ATNA senders produce them: NILVALUE fields, a message
 * that leaves out the STRUCTURED-DATA field and goes straight to an XML MSG, MSG without BOM, and a legacy RFC 3164
 * header ("<PRI>Mmm dd hh:mm:ss HOST TAG: MSG", version 0). A header that is neither throws
 * ATNA_SYSLOG_MALFORMED.
 */
export function parseSyslogMessage(bytes: Uint8Array | string): SyslogMessage {
  const buf = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new HeaderReader(buf);
  const pri = reader.priority();
  if (/^[1-9]\d{0,2} /.test(reader.peekAscii(4))) return parse5424(reader, pri);
  return parse3164(reader, pri);
}

/** RFC 5426 section 3.1: each UDP datagram holds exactly one message. */
export const parseSyslogDatagram = parseSyslogMessage;

function parse5424(reader: HeaderReader, pri: number): SyslogMessage {
  const version = Number(reader.token("VERSION"));
  const timestamp = reader.token("TIMESTAMP");
  if (!TIMESTAMP.test(timestamp)) malformed(`TIMESTAMP "${timestamp.slice(0, 40)}" is not RFC 3339`);
  const hostname = reader.token("HOSTNAME");
  const appName = reader.token("APP-NAME");
  const procId = reader.token("PROCID");
  const msgId = reader.token("MSGID", true);
  const structuredData = reader.structuredData();
  const { message, bom } = reader.message();
  return {
    facility: pri >> 3,
    severity: pri & 7,
    version,
    ...nil("timestamp", timestamp),
    ...nil("hostname", hostname),
    ...nil("appName", appName),
    ...nil("procId", procId),
    ...nil("msgId", msgId),
    structuredData,
    message,
    bom,
  };
}

/** RFC 3164 section 4.1.2: "Mmm dd hh:mm:ss" (day space-padded), HOSTNAME, then a TAG ending at ':' or '['. */
function parse3164(reader: HeaderReader, pri: number): SyslogMessage {
  const head = reader.peekAscii(16);
  const m = /^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) /.exec(head);
  if (!m?.[1]) malformed("neither an RFC 5424 VERSION nor an RFC 3164 TIMESTAMP follows PRI");
  reader.skip(m[0].length);
  const hostname = reader.token("HOSTNAME");
  const tag = /^([\x21-\x39\x3b-\x5a\x5c-\x7e]{1,48})(\[[^\]]*\])?: ?/.exec(reader.peekAscii(64));
  if (tag?.[1]) reader.skip(tag[0].length);
  const { message, bom } = reader.message();
  return {
    facility: pri >> 3,
    severity: pri & 7,
    version: 0,
    timestamp: m[1],
    ...nil("hostname", hostname),
    ...(tag?.[1] !== undefined && { appName: tag[1] }),
    structuredData: [],
    message,
    bom,
  };
}

function nil<K extends string>(key: K, value: string): { [P in K]?: string } {
  return value === NILVALUE ? {} : ({ [key]: value } as { [P in K]: string });
}

function malformed(message: string): never {
  throw new AtnaError("ATNA_SYSLOG_MALFORMED", message);
}

/** Walks the ASCII header of a message; the MSG after it stays bytes. */
class HeaderReader {
  private pos = 0;
  private readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }

  /** RFC 5424 section 6.2.1: "<" 1*3DIGIT ">", PRIVAL 0..191. */
  priority(): number {
    const m = /^<(\d{1,3})>/.exec(this.peekAscii(5));
    const value = m?.[1] === undefined ? Number.NaN : Number(m[1]);
    if (!m || !(value <= 191)) malformed("the message does not start with <PRI>");
    this.pos += m[0].length;
    return value;
  }

  peekAscii(n: number): string {
    return this.buf.toString("latin1", this.pos, Math.min(this.buf.length, this.pos + n));
  }

  skip(n: number): void {
    this.pos += n;
  }

  /** A header field up to the next SP; the last header field may end the message. */
  token(name: string, mayEnd = false): string {
    const space = this.buf.indexOf(0x20, this.pos);
    if (space === -1 && !mayEnd) malformed(`the header ends before ${name}`);
    const end = space === -1 ? this.buf.length : space;
    const value = this.buf.toString("latin1", this.pos, end);
    if (value === "" || !/^[\x21-\x7e]+$/.test(value)) malformed(`${name} is empty or not printable US-ASCII`);
    this.pos = space === -1 ? end : end + 1;
    return value;
  }

  /** RFC 5424 section 6.3, with the tolerance that an absent SD field (MSG right after MSGID) reads as none. */
  structuredData(): SyslogStructuredData[] {
    const first = this.buf[this.pos];
    if (first === 0x2d /* - */) {
      this.pos += 1;
      if (this.pos < this.buf.length && this.buf[this.pos] !== 0x20) malformed("NILVALUE STRUCTURED-DATA is followed by more than SP");
      this.pos += 1;
      return [];
    }
    if (first !== 0x5b /* [ */) return [];
    const elements: SyslogStructuredData[] = [];
    while (this.buf[this.pos] === 0x5b) elements.push(this.sdElement());
    if (this.pos < this.buf.length) {
      if (this.buf[this.pos] !== 0x20) malformed("STRUCTURED-DATA is followed by more than SP");
      this.pos += 1;
    }
    return elements;
  }

  private sdElement(): SyslogStructuredData {
    this.pos += 1;
    const id = this.sdName("SD-ID");
    const params: { name: string; value: string }[] = [];
    for (;;) {
      const c = this.buf[this.pos];
      if (c === 0x5d /* ] */) {
        this.pos += 1;
        return { id, params };
      }
      if (c !== 0x20) malformed(`SD-ELEMENT ${id} is not closed`);
      this.pos += 1;
      const name = this.sdName("PARAM-NAME");
      if (this.buf[this.pos] !== 0x3d || this.buf[this.pos + 1] !== 0x22) malformed(`SD-PARAM ${name} has no ="value"`);
      this.pos += 2;
      params.push({ name, value: this.paramValue() });
    }
  }

  private sdName(what: string): string {
    const start = this.pos;
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos] ?? 0;
      if (c < 0x21 || c > 0x7e || c === 0x3d || c === 0x5d || c === 0x22) break;
      this.pos += 1;
    }
    if (this.pos === start || this.pos - start > 32) malformed(`${what} is not an SD-NAME`);
    return this.buf.toString("ascii", start, this.pos);
  }

  /** PARAM-VALUE: UTF-8 up to the closing '"', with '\"', '\\' and '\]' unescaped (a lone '\' is kept). */
  private paramValue(): string {
    const bytes: number[] = [];
    for (;;) {
      const c = this.buf[this.pos];
      if (c === undefined) malformed("PARAM-VALUE is not closed");
      this.pos += 1;
      if (c === 0x22) return Buffer.from(bytes).toString("utf8");
      const next = this.buf[this.pos];
      if (c === 0x5c && (next === 0x22 || next === 0x5c || next === 0x5d)) {
        bytes.push(next);
        this.pos += 1;
      } else {
        bytes.push(c);
      }
    }
  }

  message(): { message: Buffer; bom: boolean } {
    const rest = this.buf.subarray(this.pos);
    const bom = rest.length >= 3 && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf;
    return { message: bom ? rest.subarray(3) : rest, bom };
  }
}
