/**
 * DICOM PS3.15 A.5.1 NetworkAccessPointTypeCode (and FHIR R4 AuditEvent.agent.network.type): "1" for a machine
 * (DNS) name, "2" for an IP address, v4 or v6.
 */
export function networkAccessPointType(address: string): "1" | "2" {
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(address);
  const ipv6 = address.includes(":") && /^[0-9a-fA-F:.]+$/.test(address);
  return ipv4 || ipv6 ? "2" : "1";
}
