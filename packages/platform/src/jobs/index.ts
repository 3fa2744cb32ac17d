export {
  JOB_DEFAULTS,
  type AddJobOptions,
  type AddedJob,
  type FailedJob,
  type JobContext,
  type JobDefinition,
  type JobPayload,
  type JobQueue,
  type JobQueueBackend,
  type JobQueueSettings,
  type JobType,
} from "./job-queue.js";
export { JobQueueError, UnrecoverableJobError } from "./job-errors.js";
export { MAX_JOB_PAYLOAD_BYTES } from "./job-payload.js";
export { createJobQueue, type JobQueueConfig } from "./create-job-queue.js";
export { createInProcessJobQueue } from "./in-process-job-queue.js";
export { removeJobQueueData } from "./remove-job-queue-data.js";
export { createJobProducer } from "./create-job-producer.js";
export type { BullmqJobProducerSettings, JobProducer, ProducedJobKind } from "./bullmq-job-producer.js";
