/** Dependency rules of the workspace (see README, "How the code is laid out"). */
const XML_LIBRARIES = "node_modules/(saxes|sax|@xmldom/xmldom|xpath|fast-xml-parser|xml-crypto|xmlbuilder2|libxml2-wasm|libxmljs2|xmllint-wasm)/";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import cycles make modules impossible to reason about one at a time.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-service-to-service",
      severity: "error",
      comment: "Services talk over SOAP/HTTP and queues, never by importing each other.",
      from: { path: "^services/([^/]+)/", pathNot: "^services/launcher/" },
      to: { path: "^services/", pathNot: "^services/$1/" },
    },
    {
      name: "launcher-imports-only-service-entries",
      severity: "error",
      comment:
        "The launcher is the composition root of `pnpm start`: it may start services through their package entry " +
        "(src/index.ts) and nothing deeper; no service imports the launcher.",
      from: { path: "^services/launcher/" },
      to: { path: "^services/(?!launcher/)[^/]+/", pathNot: "^services/[^/]+/src/index\\.ts$" },
    },
    {
      name: "no-package-to-service",
      severity: "error",
      comment: "Packages are libraries; dependencies point from services to packages only.",
      from: { path: "^packages/" },
      to: { path: "^services/" },
    },
    {
      name: "xml-only-in-ebxml-and-soap",
      severity: "error",
      comment: "Only packages/ebxml and packages/soap touch XML; everything else uses the typed model.",
      from: { pathNot: "^packages/(ebxml|soap)/" },
      to: { path: XML_LIBRARIES },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|\\.tools)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".json"],
    },
    combinedDependencies: false,
  },
};
