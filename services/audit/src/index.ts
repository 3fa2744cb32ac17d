/** @opendsp/audit: the audit service, sole writer of the audit store (its parts are exported as they land). */
export {};
