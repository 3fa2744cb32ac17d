import type { Author } from "@opendsp/ebxml";

const PREFIXES = new Set(["dr", "dr.", "prof", "prof.", "pr", "pr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "m.", "mme", "mme."]);

/**
 * An author (ITI TF-3 4.2.3.1.4) from the command line. The person is an HL7 XCN: given as is when it contains
 * "^" (2045^Weber^Jean^^^Dr^^^&1.3.182.4.1&ISO), otherwise read as a name, "Dr Jean Weber" -> ^Weber^Jean^^^Dr
 * (the last word is the family name). Institution (XON) and role are taken as given.
 */
export function authorFromInput(person: string, options: { institution?: string; role?: string } = {}): Author {
  return {
    person: personXcn(person),
    institutions: options.institution ? [options.institution.trim()] : [],
    roles: options.role ? [options.role.trim()] : [],
    specialties: [],
    telecommunications: [],
  };
}

function personXcn(input: string): string {
  const text = input.trim();
  if (text.includes("^")) return text;
  const words = text.split(/\s+/).filter((w) => w !== "");
  const prefix = words.length > 1 && PREFIXES.has((words[0] ?? "").toLowerCase()) ? words.shift() : undefined;
  const family = words.pop() ?? "";
  const given = words.join(" ");
  return `^${family}^${given}^^^${prefix ?? ""}`.replace(/\^+$/, "");
}

/** A person's name as people write it, from an XCN: "^Weber^Jean^^^Dr" -> "Dr Jean Weber". */
export function personName(xcn: string | undefined): string {
  if (!xcn) return "";
  const c = xcn.split("^");
  const name = [c[5], c[2], c[3], c[1]].filter((p) => p !== undefined && p !== "").join(" ");
  return name || (c[0] ?? "");
}
