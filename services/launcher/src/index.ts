export { startPlatform, type Backend, type PlatformBackends, type RunningPlatform } from "./start-platform.js";
export { PlatformStartError, type PlatformService } from "./platform-start-error.js";
export { describePlatform } from "./platform-summary.js";
