/** The public view of a backup copy. */
import { Field, Float, ObjectType } from 'type-graphql';
import { CopyStatus } from './enums';

@ObjectType('BackupCopy')
export class BackupCopyView {
  @Field(() => String)
  location!: string;

  @Field(() => String)
  path!: string;

  @Field(() => CopyStatus)
  status!: CopyStatus;

  @Field(() => String, { nullable: true, description: 'SHA-256 the last verification read from this copy' })
  checksum!: string | null;

  @Field(() => Float, { nullable: true })
  sizeBytes!: number | null;

  @Field(() => Date, { nullable: true })
  verifiedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The last failure while copying or verifying' })
  lastError!: string | null;
}
