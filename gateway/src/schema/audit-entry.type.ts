/** The public view of an audit log entry. */
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType('AuditEntry')
export class AuditEntryView {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { nullable: true })
  actorId!: string | null;

  @Field(() => String, { nullable: true })
  actorEmail!: string | null;

  @Field(() => String, { description: 'user, token or anonymous' })
  actorKind!: string;

  @Field(() => String, { nullable: true })
  operationName!: string | null;

  @Field(() => [String])
  fields!: string[];

  @Field(() => GraphQLJSON, { description: 'Arguments per root field, secrets replaced by "[redacted]"' })
  arguments!: Record<string, unknown>;

  @Field(() => String)
  outcome!: string;

  @Field(() => [String])
  errorCodes!: string[];
}
