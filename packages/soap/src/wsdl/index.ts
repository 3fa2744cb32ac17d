// Public API of the WSDL helpers: serving a committed WSDL with its real endpoint address.
export { WSDL_SOAP12_NS, withSoap12Address } from "./soap12-address.js";
