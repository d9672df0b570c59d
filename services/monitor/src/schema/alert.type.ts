/** The public view of an alert. */
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType('Alert')
export class AlertView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => String)
  severity!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field(() => String)
  status!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  details!: Record<string, unknown> | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => String, { nullable: true })
  acknowledgedBy!: string | null;

  @Field(() => Date, { nullable: true })
  resolvedAt!: Date | null;
}
