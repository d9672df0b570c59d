/** The public view of an incident. */
import { Field, Float, ID, ObjectType } from 'type-graphql';

@ObjectType('Incident')
export class IncidentView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  level!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String)
  status!: string;

  @Field(() => String)
  declaredBy!: string;

  @Field(() => Date)
  declaredAt!: Date;

  @Field(() => Boolean)
  runRunbook!: boolean;

  @Field(() => Date, { nullable: true })
  recoveredAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Measured recovery time, seconds' })
  rtoSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Measured data loss window, seconds' })
  rpoSeconds!: number | null;

  @Field(() => String, { nullable: true })
  report!: string | null;
}
