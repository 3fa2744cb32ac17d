export { runCli, CLI_VERSION } from "./cli.js";
export { processIo, type CliIo, type TextSink } from "./output/cli-io.js";
export { EXIT_CODE } from "./errors/cli-error.js";
export { resolveEndpoints, DEFAULT_PLATFORM_URL, type Endpoints } from "./config/endpoints.js";
export { DSP_CATEGORIES, type DspCategory } from "./metadata/dsp-categories.js";
