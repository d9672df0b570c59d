/** The span of time a point-in-time recovery can reach. */
import { Field, ObjectType } from 'type-graphql';

@ObjectType('RecoverableWindow')
export class RecoverableWindowView {
  @Field(() => Date, { description: 'The end of the oldest base backup' })
  earliest!: Date;

  @Field(() => Date, { description: 'When the last archived WAL file was closed' })
  latest!: Date;
}
