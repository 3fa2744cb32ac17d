export * from "./soap-error.js";
export * from "./envelope/index.js";
export * from "./mtom/index.js";
export * from "./xop/index.js";
export * from "./server/index.js";
export * from "./client/index.js";
export * from "./peek/index.js";
export * from "./wsdl/index.js";
