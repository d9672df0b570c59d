export { ADMIN_URL, urlFor, withAdmin, createTempDatabase, dropDatabase, uniqueName, type TempDatabase } from './postgres';
export { NATS_URL, uniqueNamespace, deleteNamespace } from './nats';
export { waitForPort, eventually } from './ports';
export { freePort } from '@lifeboat/pg-cluster';
export { startS3Server, type S3TestServer, type S3TestServerOptions } from '@lifeboat/s3-emulator';
