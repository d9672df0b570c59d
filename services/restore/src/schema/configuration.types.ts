/** GraphQL types of configuration restores. */
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { RestoreLogView } from './restore-log.type';

@ObjectType('ConfigurationFile')
export class ConfigurationFileView {
  @Field(() => String)
  path!: string;

  @Field(() => String, { description: 'file, directory or symlink' })
  type!: string;

  @Field(() => Float)
  size!: number;

  @Field(() => Int)
  mode!: number;

  @Field(() => String)
  mtime!: string;

  @Field(() => String, { nullable: true })
  sha256!: string | null;

  @Field(() => String, { nullable: true })
  linkTarget!: string | null;
}

@ObjectType('ConfigurationRestore')
export class ConfigurationRestoreView {
  @Field(() => RestoreLogView)
  restore!: RestoreLogView;

  @Field(() => Int)
  files!: number;

  @Field(() => Int)
  directories!: number;

  @Field(() => Int)
  symlinks!: number;

  @Field(() => Float)
  bytes!: number;
}
