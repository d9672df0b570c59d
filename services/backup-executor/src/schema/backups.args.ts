/** Arguments of the `backups` query, with the limits of API.md. */
import { ArgsType, Field, Int } from 'type-graphql';
import { BackupStatus, BackupType } from './enums';

@ArgsType()
export class BackupsArgs {
  @Field(() => BackupType, { nullable: true })
  type?: BackupType;

  @Field(() => BackupStatus, { nullable: true })
  status?: BackupStatus;

  @Field(() => String, { nullable: true })
  tenantId?: string;

  @Field(() => Int, { defaultValue: 50 })
  limit!: number;

  @Field(() => Int, { defaultValue: 0 })
  offset!: number;
}
