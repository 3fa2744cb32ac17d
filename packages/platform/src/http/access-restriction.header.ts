import { AppError } from "../errors/app-error.js";
import Type from "typebox";
import Value from "typebox/value";

/**
 * What the actor behind a request may see, as the gateway decided from the patient's consent: the registry puts it
 * into the SQL of every stored query (so counts, XDSTooManyResults and ObjectRef answers only see visible objects),
 * the repository answers a hidden document of an ITI-43 request as one it does not hold.
 */
export interface AccessRestriction {
  /** Only objects of these patients are visible; an empty list shows nothing. */
  readonly patientIds: readonly string[];
  /** DocumentEntries with these uniqueIds are invisible, and so are Associations with one of them at either end. */
  readonly hiddenDocumentUniqueIds: readonly string[];
  /** A hidden DocumentEntry one of whose authorPersons has this id (XCN.1) stays visible to its author. */
  readonly authorId?: string | undefined;
}

/**
 * The access restriction the gateway puts on an ITI-18 or ITI-43 request once it has decided what the actor may see (the
 * patient's consent). HTTP header, base64url (RFC 4648 §5, padding optional) of the JSON
 * `{ "v": 1, "patientIds": string[], "hiddenDocumentUniqueIds": string[], "authorId"?: string }`.
 */
export const ACCESS_HEADER = "x-opendsp-access";

export class AccessHeaderError extends AppError {
  override readonly name = "AccessHeaderError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("ACCESS_HEADER_INVALID", message, options);
  }
}

/**
 * Unknown properties are refused rather than ignored: a later version may add a restriction this registry would not
 * apply, and answering as if it were not there would show what the gateway meant to hide. Lengths follow the
 * registry's own limits (uniqueId at most 128 characters, ITI TF-3 4.2.3.2.26; patient ids as the admin API).
 */
const AccessHeaderSchema = Type.Object(
  {
    v: Type.Literal(1),
    patientIds: Type.Array(Type.String({ minLength: 1, maxLength: 256 })),
    hiddenDocumentUniqueIds: Type.Array(Type.String({ minLength: 1, maxLength: 128 })),
    // XCN.1 alone: an empty id would match every author without one, a `^` could never match XCN.1.
    authorId: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: "^[^\\^]+$" })),
  },
  { additionalProperties: false },
);

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Reads the header as Node hands it over. Absent: no restriction (undefined). Anything that is not exactly one
 * well-formed value is an AccessHeaderError: a request the gateway meant to restrict must never run unrestricted.
 */
export function parseAccessHeader(value: string | readonly string[] | undefined): AccessRestriction | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new AccessHeaderError(`${ACCESS_HEADER} is given ${value.length} times; it must be given once`);
  const text = value.trim();
  // Buffer's base64url decoder skips characters outside the alphabet, so the alphabet is checked first.
  if (!BASE64URL.test(text)) throw new AccessHeaderError(`${ACCESS_HEADER} is not base64url`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch (err) {
    throw new AccessHeaderError(`${ACCESS_HEADER} does not hold JSON`, { cause: err });
  }
  if (!Value.Check(AccessHeaderSchema, json)) {
    // Paths and rules only: the values are patient ids and document ids, which error messages never carry.
    const problems = [...Value.Errors(AccessHeaderSchema, json)].map((e) => `${e.instancePath || "(root)"} ${e.message}`);
    throw new AccessHeaderError(`${ACCESS_HEADER} does not match version 1: ${problems.slice(0, 5).join("; ")}`);
  }
  return {
    patientIds: json.patientIds,
    hiddenDocumentUniqueIds: json.hiddenDocumentUniqueIds,
    ...(json.authorId === undefined ? {} : { authorId: json.authorId }),
  };
}

/** The header value for a restriction: what the gateway sends, and what tests send. */
export function formatAccessHeader(restriction: AccessRestriction): string {
  const { patientIds, hiddenDocumentUniqueIds, authorId } = restriction;
  const body = { v: 1, patientIds, hiddenDocumentUniqueIds, ...(authorId === undefined ? {} : { authorId }) };
  return Buffer.from(JSON.stringify(body), "utf8").toString("base64url");
}
