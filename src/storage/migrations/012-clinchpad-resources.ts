// ClinchPad resources leadhook lacked (docs/CLINCHPAD-COMPAT.md): organizations, contacts' link to
// one, account-level custom field definitions for contacts and organizations with their values,
// the user a note is credited to, and a percentage discount on a lead's product.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const time = 'bigint' as const;
  const real = dialect === 'postgres' ? ('double precision' as const) : ('real' as const);

  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('website', 'text')
    .addColumn('address', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organizations_account').on('organizations').columns(['account_id', 'id']).execute();

  await db.schema.alterTable('contacts').addColumn('organization_id', 'text').execute();
  await db.schema.createIndex('contacts_organization').on('contacts').columns(['organization_id']).execute();

  // One definition per custom field of the account; `applies_to` is 'contact' or 'organization'.
  await db.schema
    .createTable('custom_fields')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('applies_to', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('custom_fields_account').on('custom_fields').columns(['account_id', 'applies_to', 'id']).execute();

  // A field's value on one contact or organization (`owner_id`); no row means "no value" (null).
  await db.schema
    .createTable('custom_field_values')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('field_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('custom_field_values_pk', ['owner_id', 'field_id'])
    .execute();
  await db.schema.createIndex('custom_field_values_field').on('custom_field_values').columns(['field_id']).execute();

  // Who wrote the note (null for notes written before this migration: the author is unknown).
  await db.schema.alterTable('notes').addColumn('user_id', 'text').execute();

  // Percent off the lead product's unit price, 0–100.
  await db.schema.alterTable('lead_products').addColumn('discount', real, (c) => c.notNull().defaultTo(0)).execute();
}
