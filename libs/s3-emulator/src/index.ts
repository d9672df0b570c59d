export { startS3Server, type S3TestServer, type S3TestServerOptions } from './s3-emulator';
