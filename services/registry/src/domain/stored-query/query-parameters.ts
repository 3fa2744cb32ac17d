import { DOCUMENT_ENTRY_TYPE, OBJECT_STATUS, parseParamValue, xdsError, type ParamAtom, type Slot, type XdsError } from "@opendsp/ebxml";
import { dtmKey } from "../../storage/dtm-key.js";
import type { CodeMatch } from "../../storage/query/query-filter.types.js";

/**
 * Reads the Slots of an AdhocQuery against the parameter table of one stored query (ITI TF-2a 3.18.4.1.2.3.7):
 * required parameters, single or multiple values, AND/OR Slots, "exactly one of" groups, and the value syntax of each
 * type. Every problem is reported at once. Slots whose name the query does not define are ignored (ebRS 3.0
 * §6.3.2.1: "A registry MUST ignore any parameters ... that do not match the parameters defined by the stored query").
 */

export type ParamType =
  /** One quoted string: a patient id, one uuid, one pattern. */
  | "text"
  /** Quoted strings, in one list or several Values. */
  | "texts"
  /** code^^scheme strings (ITI TF-2a 3.18.4.1.2.3.5). */
  | "codes"
  /** An HL7 DTM of 4 to 14 digits, unquoted (ITI TF-2a 3.18.4.1.2.3.7.1). */
  | "time"
  /** availabilityStatus URNs (ITI TF-2a 3.18.4.1.2.3.6). */
  | "statuses"
  /** DocumentEntry objectType UUIDs (ITI TF-2a 3.18.4.1.2.3.6.2). */
  | "documentTypes"
  /** $MetadataLevel: 1 or 2 (ITI TF-2a 3.18.4.1.2.3.5.1.1). */
  | "metadataLevel";

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly required?: boolean;
  /** Several Slots of this name are AND-ed (ITI TF-2a Table 3.18.4.1.2.3.7.1-1, "AND/OR" column). */
  readonly andOr?: boolean;
}

/** Read parameter values: one group per Slot (a single group unless the parameter is AND/OR). */
export interface QueryParams {
  has(name: string): boolean;
  text(name: string): string | undefined;
  /** Every value of a multi-valued parameter (one Slot). */
  list(name: string): string[] | undefined;
  /** Values per Slot, for AND/OR parameters. */
  groups(name: string): string[][] | undefined;
  codes(name: string): CodeMatch[] | undefined;
  codeGroups(name: string): CodeMatch[][] | undefined;
  /** The 14-digit key of a time parameter. */
  time(name: string): string | undefined;
}

export type ReadParamsResult = { readonly ok: true; readonly params: QueryParams } | { readonly ok: false; readonly errors: readonly XdsError[] };

const SINGLE_VALUED: ReadonlySet<ParamType> = new Set(["text", "time", "metadataLevel"]);
const STATUS_PREFIX = "urn:oasis:names:tc:ebxml-regrep:StatusType:";
const KNOWN_STATUSES: ReadonlySet<string> = new Set(Object.values(OBJECT_STATUS));
const DOCUMENT_TYPES: ReadonlySet<string> = new Set(Object.values(DOCUMENT_ENTRY_TYPE));
const DTM_LENGTHS: ReadonlySet<number> = new Set([4, 6, 8, 10, 12, 14]);

export function readQueryParameters(
  slots: readonly Slot[],
  specs: readonly ParamSpec[],
  exactlyOne: readonly (readonly string[])[] = [],
): ReadParamsResult {
  const errors: XdsError[] = [];
  const values = new Map<string, string[][]>();
  for (const spec of specs) {
    const given = slots.filter((s) => s.name === spec.name && s.values.some((v) => v.trim() !== ""));
    if (given.length === 0) {
      if (spec.required) errors.push(xdsError("XDSStoredQueryMissingParam", `the required parameter ${spec.name} is missing`, spec.name));
      continue;
    }
    if (given.length > 1 && !spec.andOr) {
      errors.push(xdsError("XDSStoredQueryParamNumber", `${spec.name} is given in ${given.length} Slots; it takes one`, spec.name));
      continue;
    }
    const groups: string[][] = [];
    for (const slot of given) {
      const group = readSlotValues(spec, slot, errors);
      if (group) groups.push(group);
    }
    if (groups.length !== given.length) continue;
    if (spec.type === "statuses") {
      // A status value the registry does not understand is ignored (ITI TF-2a 3.18.4.1.2.3.6).
      const understood = groups.map((g) => g.filter((s) => KNOWN_STATUSES.has(s)));
      if (understood.some((g) => g.length === 0)) {
        if (spec.required) errors.push(xdsError("XDSStoredQueryMissingParam", `${spec.name} names no status this registry knows`, spec.name));
        continue;
      }
      values.set(spec.name, understood);
      continue;
    }
    values.set(spec.name, groups);
  }
  for (const names of exactlyOne) {
    const present = names.filter((n) => slots.some((s) => s.name === n && s.values.some((v) => v.trim() !== "")));
    if (present.length === 0) errors.push(xdsError("XDSStoredQueryMissingParam", `one of ${names.join(", ")} is required`, names.join(",")));
    if (present.length > 1) errors.push(xdsError("XDSStoredQueryParamNumber", `only one of ${present.join(", ")} may be given`, present.join(",")));
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, params: queryParams(values) };
}

/** The values of one Slot in the canonical form of the parameter's type; undefined after reporting a problem. */
function readSlotValues(spec: ParamSpec, slot: Slot, errors: XdsError[]): string[] | undefined {
  const atoms: ParamAtom[] = [];
  for (const raw of slot.values) {
    if (raw.trim() === "") continue;
    const parsed = parseParamValue(raw);
    if (!parsed.ok) {
      errors.push(xdsError("XDSRegistryError", `${spec.name}: ${parsed.reason} in ${JSON.stringify(truncate(raw))}`, spec.name));
      return undefined;
    }
    atoms.push(...parsed.value.atoms);
  }
  if (SINGLE_VALUED.has(spec.type) && atoms.length > 1) {
    errors.push(xdsError("XDSStoredQueryParamNumber", `${spec.name} takes a single value, ${atoms.length} were given`, spec.name));
    return undefined;
  }
  const out: string[] = [];
  for (const atom of atoms) {
    const problem = checkAtom(spec.type, atom);
    if (problem) {
      errors.push(xdsError("XDSRegistryError", `${spec.name}: ${problem}`, spec.name));
      return undefined;
    }
    out.push(spec.type === "time" ? (dtmKey(atom.text) ?? atom.text) : atom.text);
  }
  return out;
}

/** Why a value does not fit the parameter's type, or undefined when it does. */
function checkAtom(type: ParamType, atom: ParamAtom): string | undefined {
  switch (type) {
    case "time":
      // Unquoted per the TF; a quoted DTM is accepted too, it is unambiguous.
      return /^\d+$/.test(atom.text) && DTM_LENGTHS.has(atom.text.length) ? undefined : `${atom.text} is not a DTM of 4 to 14 digits (YYYY[MM[DD[hh[mm[ss]]]]])`;
    case "metadataLevel":
      return atom.kind === "number" && (atom.text === "1" || atom.text === "2") ? undefined : `${atom.text} is not 1 or 2`;
    case "codes":
      if (atom.kind !== "string") return `${atom.text} must be a quoted code^^scheme`;
      return parseCode(atom.text) ? undefined : `'${atom.text}' is not code^^scheme (the coding scheme is required)`;
    case "statuses":
      if (atom.kind !== "string") return `${atom.text} must be a quoted status URN`;
      return atom.text.startsWith(STATUS_PREFIX) ? undefined : `'${atom.text}' is not a status URN (${STATUS_PREFIX}...)`;
    case "documentTypes":
      if (atom.kind !== "string") return `${atom.text} must be a quoted objectType UUID`;
      return DOCUMENT_TYPES.has(atom.text) ? undefined : `'${atom.text}' is neither the stable nor the on-demand DocumentEntry type`;
    case "text":
    case "texts":
      return atom.kind === "string" ? undefined : `${atom.text} must be a string in single quotes`;
  }
}

/** code^^scheme, the HL7 CE form with the display name left out (ITI TF-2a 3.18.4.1.2.3.5). */
export function parseCode(text: string): CodeMatch | undefined {
  const parts = text.split("^");
  if (parts.length !== 3) return undefined;
  const [code, , scheme] = parts;
  return code && scheme ? { code, scheme } : undefined;
}

function queryParams(values: ReadonlyMap<string, string[][]>): QueryParams {
  const groups = (name: string): string[][] | undefined => values.get(name);
  const list = (name: string): string[] | undefined => groups(name)?.flat();
  const first = (name: string): string | undefined => groups(name)?.[0]?.[0];
  const codes = (g: string[]): CodeMatch[] => g.flatMap((t) => parseCode(t) ?? []);
  return {
    has: (name) => values.has(name),
    text: first,
    list,
    groups,
    codes: (name) => {
      const l = list(name);
      return l && codes(l);
    },
    codeGroups: (name) => groups(name)?.map(codes),
    time: first,
  };
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}...` : s;
}
