export { resolveXopIncludes, type ResolvedIncludes, type XopInclude } from "./resolve-includes.js";
