/** The launcher's program output (the start listing, a failure's reason); logs go through the pino logger instead. */
export function printOut(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function printErr(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}
