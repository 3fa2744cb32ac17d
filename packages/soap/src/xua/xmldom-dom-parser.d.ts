// @xmldom/xmldom's own declarations pull the browser DOM library into the whole program (see dom-elements.ts):
// its parser module is imported through this untyped declaration instead, and described where it is used.
declare module "@xmldom/xmldom/lib/dom-parser.js" {
  const parserModule: unknown;
  export default parserModule;
}
