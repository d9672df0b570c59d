/** Live progress of one restore, relayed from the restore service (best effort: the log is the truth). */
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('RestoreProgress')
export class RestoreProgressView {
  @Field(() => ID)
  restoreId!: string;

  @Field(() => String, { description: 'queued, fetching, loading, indexing, restoring, checking, swapping, completed or failed (a full restore: fetching, loading, checking, indexing, swapping; tenant and point-in-time restores: fetching, restoring, checking)' })
  phase!: string;

  @Field(() => Float, { description: 'Bytes of the copy read so far' })
  bytes!: number;

  @Field(() => Float, { nullable: true })
  totalBytes!: number | null;

  @Field(() => Int, { nullable: true })
  percent!: number | null;

  @Field(() => String, { nullable: true, description: 'The location being read' })
  location!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => Date)
  at!: Date;
}
