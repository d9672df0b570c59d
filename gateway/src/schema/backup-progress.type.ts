/** Live progress of one backup, relayed from the executor (best effort: the record is the truth). */
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('BackupProgress')
export class BackupProgressView {
  @Field(() => ID)
  backupId!: string;

  @Field(() => ID, { nullable: true })
  jobId!: string | null;

  @Field(() => String, { description: 'starting, dump, manifest, completed or failed' })
  phase!: string;

  @Field(() => Float, { description: 'Bytes read from the source' })
  bytesIn!: number;

  @Field(() => Float, { description: 'Bytes written to the first location' })
  bytesOut!: number;

  @Field(() => Int, { nullable: true })
  percent!: number | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => Date)
  at!: Date;
}
