/** The public view of a Backup: an entity other subgraphs extend by `id` (storage-replicator adds `copies`). */
import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { BackupStatus, BackupType } from './enums';

@Directive('@key(fields: "id")')
@ObjectType('Backup', { description: 'One backup artifact, stored in every configured location' })
export class BackupView {
  @Field(() => ID)
  id!: string;

  @Field(() => BackupType)
  type!: BackupType;

  @Field(() => String, { nullable: true })
  tenantId!: string | null;

  @Field(() => String)
  filename!: string;

  @Field(() => Float, { nullable: true, description: 'Bytes stored (compressed, encrypted)' })
  sizeBytes!: number | null;

  @Field(() => Float, { nullable: true, description: 'Bytes read from the source' })
  originalSizeBytes!: number | null;

  @Field(() => String, { nullable: true, description: 'SHA-256 (hex) of the stored object' })
  checksum!: string | null;

  @Field(() => BackupStatus)
  status!: BackupStatus;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  verifiedAt!: Date | null;

  @Field(() => ID, { nullable: true })
  jobId!: string | null;

  @Field(() => Float, { nullable: true, description: 'Original size divided by stored size' })
  compressionRatio!: number | null;

  @Field(() => Float, { nullable: true })
  durationSeconds!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the backup failed' })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'Id of the master key that wraps the data key' })
  keyId!: string | null;

  @Field(() => [String], { description: 'What did not stop the backup but deserves a look' })
  warnings!: string[];
}
