import { readFileSync } from "node:fs";

/** One instruction of a Dockerfile, continuation lines joined. */
export interface Instruction {
  readonly keyword: string;
  /** Everything after the keyword, as written (flags included). */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  /** The image or earlier stage named by FROM. */
  readonly base: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARG defaults declared before or inside stages, by name. */
  readonly args: ReadonlyMap<string, string>;
  readonly stages: readonly Stage[];
  stage(name: string): Stage;
}

/** Parses the subset of the Dockerfile syntax deploy/docker/Dockerfile uses: `\` continuations, comments, stages. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split("\n").forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === undefined && (trimmed === "" || trimmed.startsWith("#"))) return;
    if (pending !== undefined && trimmed.startsWith("#")) return;
    const continued = trimmed.endsWith("\\");
    const piece = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending ? { text: `${pending.text} ${piece}`, line: pending.line } : { text: piece, line: index + 1 };
    if (continued) return;
    const m = /^(\S+)\s*(.*)$/s.exec(pending.text);
    if (m?.[1]) instructions.push({ keyword: m[1].toUpperCase(), args: m[2] ?? "", line: pending.line });
    pending = undefined;
  });

  const args = new Map<string, string>();
  const stages: { name: string; base: string; instructions: Instruction[] }[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m?.[1]) throw new Error(`line ${ins.line}: unreadable FROM ${ins.args}`);
      stages.push({ name: m[2] ?? `stage-${stages.length}`, base: m[1], instructions: [] });
      continue;
    }
    if (ins.keyword === "ARG") {
      const [name, value] = ins.args.split("=", 2);
      if (name && value !== undefined) args.set(name.trim(), value.trim());
    }
    const current = stages.at(-1);
    if (current) current.instructions.push(ins);
  }
  return {
    args,
    stages,
    stage(name: string): Stage {
      const found = stages.find((s) => s.name === name);
      if (!found) throw new Error(`the Dockerfile has no stage ${name}`);
      return found;
    },
  };
}

export function readDockerfile(path: string): Dockerfile {
  return parseDockerfile(readFileSync(path, "utf8"));
}

/** The stage and the stages it is built FROM, nearest first, ending at an external image. */
export function stageChain(file: Dockerfile, name: string): Stage[] {
  const chain: Stage[] = [];
  let stage: Stage | undefined = file.stage(name);
  while (stage) {
    chain.push(stage);
    const base: string = stage.base;
    stage = file.stages.find((s) => s.name === base);
  }
  return chain;
}

/** The last value of an instruction in a stage or the stages it derives from (CMD, USER, HEALTHCHECK, WORKDIR). */
export function effective(file: Dockerfile, name: string, keyword: string): Instruction | undefined {
  for (const stage of stageChain(file, name)) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
    if (found) return found;
  }
  return undefined;
}

/** ENV of a stage, inherited values first; `ENV A=1 B=2` form only. */
export function environment(file: Dockerfile, name: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const stage of stageChain(file, name).reverse()) {
    for (const ins of stage.instructions.filter((i) => i.keyword === "ENV")) {
      for (const pair of ins.args.split(/\s+/)) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new Error(`line ${ins.line}: ENV must use NAME=value pairs`);
        env.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    }
  }
  return env;
}

/** Ports a stage EXPOSEs (its own and inherited). */
export function exposedPorts(file: Dockerfile, name: string): number[] {
  return stageChain(file, name)
    .flatMap((s) => s.instructions.filter((i) => i.keyword === "EXPOSE"))
    .flatMap((i) => i.args.split(/\s+/))
    .map((p) => Number(p.replace(/\/tcp$/, "")));
}

/** The JSON (exec) form of CMD or of HEALTHCHECK's CMD. */
export function execForm(ins: Instruction | undefined): string[] {
  if (!ins) throw new Error("no such instruction");
  const json = ins.args.slice(ins.args.indexOf("["));
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) throw new Error(`line ${ins.line}: not an exec form`);
  return parsed;
}

/** Parses `COPY [--from=x] [--chown=…] src… dest`. */
export function parseCopy(ins: Instruction): { from: string | undefined; sources: string[]; dest: string } {
  const words = ins.args.split(/\s+/);
  let from: string | undefined;
  const rest: string[] = [];
  for (const w of words) {
    if (w.startsWith("--from=")) from = w.slice("--from=".length);
    else if (!w.startsWith("--")) rest.push(w);
  }
  const dest = rest.pop();
  if (!dest || rest.length === 0) throw new Error(`line ${ins.line}: unreadable COPY ${ins.args}`);
  return { from, sources: rest, dest };
}
