/** A configured storage location, as it is now. */
import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('StorageLocation')
export class StorageLocationView {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'FS or S3' })
  kind!: string;

  @Field(() => Boolean)
  reachable!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it is not reachable' })
  error!: string | null;

  @Field(() => Float, { nullable: true, description: 'Bytes stored (as of `measuredAt`)' })
  usedBytes!: number | null;

  @Field(() => Int, { nullable: true })
  objectCount!: number | null;

  @Field(() => Date, { nullable: true })
  measuredAt!: Date | null;
}
