export * from "./soap-error.js";
