import { Migration } from '@mikro-orm/migrations';

/**
 * copy_verified: a copy's VERIFIED and the check whether that completes its backup, in one round
 * trip (a tenant job records thousands), and with exactly one of a backup's copies completing it
 * when several are verified at the same moment: each takes the backup's replication row in turn,
 * and each statement after that lock sees every copy committed before it.
 */
export class Migration20261128050400 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create function "copy_verified"(copy_id uuid, seen_checksum varchar, seen_size_bytes bigint, at timestamptz, locations text[]) returns boolean
      language plpgsql set search_path from current as $$
      declare
        of_backup uuid;
      begin
        update backup_copy set status = 'VERIFIED', checksum = seen_checksum, size_bytes = seen_size_bytes, verified_at = at,
               last_error = null, lease_until = null, next_attempt_at = null, updated_at = now()
         where id = copy_id
         returning backup_id into of_backup;
        if of_backup is null then
          return false;
        end if;
        perform 1 from replication where backup_id = of_backup for update;
        if (select count(*) from backup_copy where backup_id = of_backup and status = 'VERIFIED' and location = any(locations)) <> cardinality(locations) then
          return false;
        end if;
        update replication set verified_at = at where backup_id = of_backup;
        return found;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function "copy_verified"(uuid, varchar, bigint, timestamptz, text[]);`);
  }

}
