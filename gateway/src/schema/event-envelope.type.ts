/** An event as it travels on the bus (docs/events.md), for watchers of the `events` subscription. */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType('EventEnvelope')
export class EventEnvelopeView {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The subject, e.g. backup.created' })
  type!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => String, { description: 'The process that published it' })
  source!: string;

  @Field(() => String)
  correlationId!: string;

  @Field(() => String, { nullable: true })
  causationId!: string | null;

  @Field(() => GraphQLJSON)
  data!: unknown;
}
