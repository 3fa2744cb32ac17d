import type { BullmqJobProducerSettings, JobProducer } from "./bullmq-job-producer.js";

/**
 * A producer of jobs for another service's queue on Redis (see JobProducer). BullMQ is loaded only here, so a
 * process that never adds to a Redis queue does not load it.
 */
export async function createJobProducer(settings: BullmqJobProducerSettings): Promise<JobProducer> {
  const { createBullmqJobProducer } = await import("./bullmq-job-producer.js");
  return createBullmqJobProducer(settings);
}
