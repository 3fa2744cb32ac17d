export * from "./soap-error.js";
export * from "./envelope/index.js";
