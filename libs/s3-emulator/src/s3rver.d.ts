// The part of s3rver 3.7.1 (which ships no types) that the test server uses.
declare module 's3rver' {
  import type { Server } from 'node:http';

  namespace S3rver {
    /** The few fields of Koa's context that the test server's middleware reads and writes. */
    interface Context {
      method: string;
      path: string;
      query: Record<string, string | string[] | undefined>;
      status: number;
      body: unknown;
      type: string;
      length: number;
      /** A request header. */
      get(header: string): string;
      /** Sets a response header. */
      set(header: string, value: string): void;
      response: { get(header: string): string };
    }
    type Middleware = (ctx: Context, next: () => Promise<void>) => Promise<void>;
    interface Options {
      port?: number;
      address?: string;
      silent?: boolean;
      directory?: string;
      configureBuckets?: { name: string }[];
    }
  }

  class S3rver {
    constructor(options: S3rver.Options);
    /** Koa's middleware stack, composed when the server starts listening. */
    middleware: S3rver.Middleware[];
    httpServer?: Server;
    logger: { close(): void };
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }

  export = S3rver;
}
