/*
 * The launcher's tests build and read XDS messages with @opendsp/ebxml and @opendsp/soap. Those are not dependencies
 * of the launcher's package (adding them needs a lockfile update), so pnpm does not link them into its node_modules;
 * this one file reaches them by their path in the workspace. Once the launcher's package.json lists them as
 * devDependencies, import the package names here instead.
 */
export * from "../../../../packages/ebxml/src/index.js";
export * from "../../../../packages/soap/src/index.js";
