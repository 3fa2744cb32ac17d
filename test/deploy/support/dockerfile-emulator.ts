import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { basename, isAbsolute, join } from "node:path";
import { parseCopy, stageChain, type Dockerfile, type Instruction } from "./dockerfile.js";
import { runCommand } from "./run-command.js";

/** A stage as built here: a folder standing for the image's "/", and what the image would run. */
export interface EmulatedImage {
  readonly root: string;
  readonly workdir: string;
  readonly env: ReadonlyMap<string, string>;
  readonly cmd: readonly string[] | undefined;
  readonly healthcheck: readonly string[] | undefined;
  /** Where the image's working directory is on this machine. */
  readonly cwd: string;
}

/** What was done with each RUN line on the way to a target: run as written, stood in for, or left out (and why). */
export interface RunRecord {
  readonly stage: string;
  readonly command: string;
  readonly how: "ran" | "stood-in" | "skipped";
  readonly note: string;
}

export interface EmulatorTools {
  /** The pnpm command, and its version. */
  readonly pnpm: string;
  readonly pnpmVersion: string;
  /** pnpm's content-addressed store holding every package of the lockfile (the workspace's own). */
  readonly storeDir: string;
  /** An installed tsx package folder (its dependencies resolvable from its real path) and its version. */
  readonly tsxDir: string;
  readonly tsxVersion: string;
}

/**
 * Builds the targets of a Dockerfile without Docker, as far as this machine allows: every stage is a folder; COPY
 * copies (from the prepared build context or from an earlier stage's folder); pnpm RUN lines run as written, with
 * pnpm kept offline (every package must come from the store, as after the Dockerfile's `pnpm fetch`). The lines
 * that install tools with npm from the registry are stood in for by the same versions already on this machine, and
 * anything else is recorded as skipped, so that a test can show and check what was not reproduced.
 */
export class DockerfileEmulator {
  readonly records: RunRecord[] = [];
  private readonly built = new Map<string, EmulatedImage>();
  private readonly file: Dockerfile;
  private readonly context: string;
  private readonly workDir: string;
  private readonly tools: EmulatorTools;

  constructor(file: Dockerfile, context: string, workDir: string, tools: EmulatorTools) {
    this.file = file;
    this.context = context;
    this.workDir = workDir;
    this.tools = tools;
  }

  async build(target: string): Promise<EmulatedImage> {
    const done = this.built.get(target);
    if (done) return done;
    const stage = this.file.stage(target);
    const root = join(this.workDir, "stages", target);
    const fromStage = this.file.stages.some((s) => s.name === stage.base);
    let workdir = "/";
    let env = new Map<string, string>();
    let cmd: readonly string[] | undefined;
    let healthcheck: readonly string[] | undefined;
    if (fromStage) {
      const base = await this.build(stage.base);
      await copyTree(base.root, root);
      workdir = base.workdir;
      env = new Map(base.env);
      cmd = base.cmd;
      healthcheck = base.healthcheck;
    } else {
      mkdirSync(root, { recursive: true });
    }
    for (const ins of stage.instructions) {
      switch (ins.keyword) {
        case "WORKDIR":
          workdir = isAbsolute(ins.args) ? ins.args : join(workdir, ins.args);
          mkdirSync(join(root, workdir), { recursive: true });
          break;
        case "ENV":
          for (const pair of ins.args.split(/\s+/)) env.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
          break;
        case "COPY":
          await this.copy(ins, root, workdir);
          break;
        case "RUN":
          await this.run(target, this.substitute(ins.args), join(root, workdir), root);
          break;
        case "CMD":
          cmd = JSON.parse(ins.args) as string[];
          break;
        case "HEALTHCHECK":
          healthcheck = JSON.parse(ins.args.slice(ins.args.indexOf("["))) as string[];
          break;
        default:
          break; // ARG, USER, EXPOSE: no effect on the files
      }
    }
    const image = { root, workdir, env, cmd, healthcheck, cwd: join(root, workdir) };
    this.built.set(target, image);
    return image;
  }

  /** The stages a target is built from, nearest first (for reports). */
  chain(target: string): string[] {
    return stageChain(this.file, target).map((s) => s.name);
  }

  private substitute(text: string): string {
    return text.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => this.file.args.get(name) ?? whole);
  }

  private async copy(ins: Instruction, root: string, workdir: string): Promise<void> {
    const { from, sources, dest } = parseCopy(ins);
    const sourceRoot = from === undefined ? this.context : (await this.build(from)).root;
    const target = join(root, isAbsolute(dest) ? dest : join(workdir, dest));
    const intoFolder = dest.endsWith("/") || dest === "." || sources.length > 1;
    for (const source of sources) {
      const path = join(sourceRoot, source);
      if (!existsSync(path)) throw new Error(`line ${ins.line}: COPY source ${source} does not exist${from ? ` in stage ${from}` : " in the build context"}`);
      if (lstatSync(path).isDirectory()) await copyTree(path, target);
      else {
        const to = intoFolder ? join(target, basename(source)) : target;
        mkdirSync(join(to, ".."), { recursive: true });
        await copyTree(path, to);
      }
    }
  }

  private async run(stage: string, command: string, cwd: string, root: string): Promise<void> {
    if (/\bnpm install\b.*\bpnpm@/.test(command)) {
      const wanted = /pnpm@(\S+)/.exec(command)?.[1];
      if (wanted !== this.tools.pnpmVersion) throw new Error(`the Dockerfile installs pnpm ${wanted}, this machine has ${this.tools.pnpmVersion}`);
      this.records.push({ stage, command, how: "stood-in", note: `pnpm ${this.tools.pnpmVersion} of this machine` });
      return;
    }
    const tsxInstall = /\bnpm install --prefix (\S+) .*\btsx@(\S+)/.exec(command);
    if (tsxInstall?.[1] && tsxInstall[2]) {
      if (tsxInstall[2] !== this.tools.tsxVersion) throw new Error(`the Dockerfile installs tsx ${tsxInstall[2]}, this machine has ${this.tools.tsxVersion}`);
      const modules = join(root, tsxInstall[1], "node_modules");
      mkdirSync(modules, { recursive: true });
      symlinkSync(this.tools.tsxDir, join(modules, "tsx"));
      this.records.push({ stage, command, how: "stood-in", note: `tsx ${this.tools.tsxVersion} of the workspace, linked` });
      return;
    }
    if (/^pnpm\s/.test(command)) {
      const result = await runCommand("sh", ["-c", command], {
        cwd,
        env: { PATH: `${join(this.tools.pnpm, "..")}:${process.env["PATH"] ?? ""}`, npm_config_offline: "true", npm_config_store_dir: this.tools.storeDir, CI: "true" },
        timeoutMs: 120_000,
      });
      if (result.code !== 0) throw new Error(`${stage}: \`${command}\` failed (${String(result.code)}): ${result.stderr || result.stdout}`);
      this.records.push({ stage, command, how: "ran", note: "offline, from the store" });
      return;
    }
    this.records.push({ stage, command, how: "skipped", note: "not a pnpm command" });
  }
}

/** `cp -a` of a file or folder's contents, hard-linking files (stages share them; nothing writes into them). */
async function copyTree(from: string, to: string): Promise<void> {
  const isDir = lstatSync(from).isDirectory();
  if (isDir) mkdirSync(to, { recursive: true });
  const result = await runCommand("cp", ["-a", "--link", isDir ? `${from}/.` : from, to], { cwd: "/" });
  if (result.code !== 0) throw new Error(`cp ${from} ${to}: ${result.stderr}`);
}

/** The package.json version of an installed package folder. */
export function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}
