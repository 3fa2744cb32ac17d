import { startServiceProcess, type ServiceProcess } from "@opendsp/testing";

/** The bare relay (bare-relay.ts) in front of `target`'s origin, as its own process. */
export async function startBareRelay(target: string): Promise<ServiceProcess> {
  return startServiceProcess("bench/bare-relay.ts", { RELAY_TARGET: new URL(target).origin });
}

/** `url`'s path on the relay's origin. */
export const viaRelay = (relay: ServiceProcess, url: string): string => `${new URL(relay.soapUrl).origin}${new URL(url).pathname}`;
