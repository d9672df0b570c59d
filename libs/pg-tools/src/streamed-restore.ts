/**
 * A whole restore of a custom-format dump that arrives as a stream, with no copy of it on disk:
 * the schema before the data (pg_restore's pre-data section, from the TOC written to a file),
 * the data as it arrives (DumpLoader), then the rest (sequence values, indexes, constraints,
 * triggers, grants: pg_restore's data and post-data sections without the entries the loader
 * loaded, with parallel jobs).
 */
import { rm, writeFile } from 'node:fs/promises';
import { LifeboatError } from '@lifeboat/errors';
import { DumpLoader, type LoadedData } from './dump-loader';
import { pgRestore } from './pg-restore';

/** The TOC entries whose data is in the dump's data blocks: the loader's; pg_restore does the others. */
const LOADED_BY_THE_LOADER = ['TABLE DATA', 'BLOBS'];

export interface StreamedRestoreOptions {
  /** The target database (empty, or made by `beforeSchema`). */
  databaseUrl: string;
  /** COPY commands at once, and pg_restore's jobs for the rest. */
  jobs: number;
  /** Where the dump's header and TOC are written (a dump without data), and pg_restore's list. */
  tocFile: string;
  listFile: string;
  /** Called when the TOC has arrived, before the schema is made (to create the database). */
  beforeSchema?: () => Promise<void>;
  /** Called once the schema is made and the data starts loading. */
  onLoading?: () => void;
  /** The loader's batches (default 1 MiB). */
  batchBytes?: number;
  binDir?: string;
}

export class StreamedRestore {
  #sink?: DumpLoader;

  constructor(private readonly options: StreamedRestoreOptions) {}

  /** A new sink for the dump's bytes; each loads from the start (a new copy after a failed one). */
  sink(): DumpLoader {
    const { databaseUrl, jobs, tocFile, binDir, batchBytes } = this.options;
    this.#sink = new DumpLoader({
      databaseUrl,
      connections: jobs,
      batchBytes,
      beforeData: async (_toc, head) => {
        await writeFile(tocFile, head);
        await this.options.beforeSchema?.();
        await pgRestore({ databaseUrl, dumpFile: tocFile, jobs: 1, sections: ['pre-data'], binDir });
        this.options.onLoading?.();
      },
    });
    return this.#sink;
  }

  /** What the last sink loaded: each table's rows as the server counted them. */
  get loaded(): LoadedData | undefined {
    return this.#sink?.loaded;
  }

  /** After the last sink finished: the rest of the dump, from its TOC. */
  async finish(): Promise<void> {
    const toc = this.#sink?.toc;
    if (!toc) throw new LifeboatError('RESTORE_FAILED', 'the dump has not been loaded');
    const { databaseUrl, jobs, tocFile, listFile, binDir } = this.options;
    const rest = toc.entries.filter((e) => !LOADED_BY_THE_LOADER.includes(e.desc)).map((e) => e.dumpId);
    await pgRestore({ databaseUrl, dumpFile: tocFile, jobs, sections: ['data', 'post-data'], entries: { dumpIds: rest, listFile }, binDir });
  }

  /** Removes the TOC and list files. */
  async cleanup(): Promise<void> {
    await rm(this.options.tocFile, { force: true });
    await rm(this.options.listFile, { force: true });
  }
}
