import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** The patterns of a .dockerignore file. */
export function dockerignorePatterns(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/**
 * .dockerignore matching for the pattern forms the project uses: a path from the root (`test`, `deploy/k8s`), or a
 * `**`-prefixed name or `*` glob matched at any depth. Other forms are refused rather than misread.
 */
export function isIgnored(path: string, patterns: readonly string[]): boolean {
  const segments = path.replace(/\/$/, "").split("/");
  return patterns.some((pattern) => {
    const anywhere = pattern.startsWith("**/");
    const body = anywhere ? pattern.slice(3) : pattern;
    if (pattern.startsWith("!") || /[?[]/.test(pattern) || body.includes("**")) {
      throw new Error(`.dockerignore pattern ${pattern} is not handled by this matcher`);
    }
    const glob = new RegExp(`^${body.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
    if (anywhere) return segments.some((s) => glob.test(s));
    const depth = body.split("/").length;
    return segments.length >= depth && glob.test(segments.slice(0, depth).join("/"));
  });
}

/** Removes from a folder what .dockerignore keeps out of the build context. */
export function pruneIgnored(root: string, patterns: readonly string[], relative = ""): void {
  for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (isIgnored(path, patterns)) rmSync(join(root, path), { recursive: true, force: true });
    else if (entry.isDirectory()) pruneIgnored(root, patterns, path);
  }
}
