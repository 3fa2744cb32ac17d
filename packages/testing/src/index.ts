export { admin as runAdminStatement, createPostgresTestDatabase, TEST_POSTGRES_ADMIN_URL, type TestDatabase } from "./postgres-test-database.js";
export {
  TEST_AUTHOR,
  association,
  dischargeLetterEntry,
  freshOid,
  registerRequest,
  registerRequestElement,
  submissionSetFor,
} from "./xds-submission.builder.js";
export { generatedDocument } from "./generated-document.js";
export { documentEntriesOf, findDocumentsQuery, provideAndRegisterBody, registryResponseStatusOf, sha1AndSizeOf } from "./xds-messages.testing.js";
export { REPOSITORY_NODE_FLAGS, startRegistryProcess, startRepositoryProcess, type RegistryProcess } from "./registry-process.js";
export { postgresCpuBetween, samplePostgresCpu, type PostgresCpuSample } from "./postgres-cpu.js";
export { cpuTimeMs, residentBytes, sampleResidentMemory, startServiceProcess, type ServiceProcess } from "./service-process.js";
export { startS3TestServer, type S3TestServer } from "./s3-test-server.js";
export { generateTestCertificate, type CertificateOptions, type TestCertificate } from "./test-certificates.js";
export { startPrivateRedis, type PrivateRedis } from "./private-redis.js";
export { startCuttableTcpProxy, type CuttableTcpProxy } from "./cuttable-tcp-proxy.js";
export { freePort, holdPort } from "./free-port.js";
