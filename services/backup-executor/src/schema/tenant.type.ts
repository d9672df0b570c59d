/** A tenant of the protected database, as Lifeboat sees it. */
import { Field, Float, ObjectType } from 'type-graphql';
import { BackupView } from './backup.type';

@ObjectType('Tenant')
export class TenantView {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Boolean, { description: 'Active tenants are the ones "all tenants" backs up' })
  active!: boolean;

  @Field(() => Float, { description: 'Rows over every tenant table (as of `rowsCountedAt`)' })
  rows!: number;

  @Field(() => Date)
  rowsCountedAt!: Date;

  @Field(() => BackupView, { nullable: true, description: 'The latest tenant backup that completed' })
  lastBackup!: BackupView | null;
}
