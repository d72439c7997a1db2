// Contacts as ClinchPad shows them: `{_id, name, designation, email, phone, address, fields[],
// organization}` (docs/CLINCHPAD-COMPAT.md). Contacts are a catalogue (catalogue.repository.ts owns
// the table and its lead links); this adds the organization link, custom fields and search.
import { sql, type Kysely } from 'kysely';
import { invalid } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { ContactRow, OrganizationRow, Schema } from '../storage/schema.ts';
import { deleteCatalogueRow, getCatalogueRow } from './catalogue.repository.ts';
import { deleteValuesOf, fieldsOf, type CustomFieldValue } from './custom-fields.ts';
import { isoSeconds } from '../shared/clock.ts';

export interface OrganizationRef {
  _id: string;
  name: string;
  email: string | null;
  phone: string | null;
  website: string | null;
  address: string | null;
}

export interface Contact {
  _id: string;
  name: string;
  designation: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  fields: CustomFieldValue[];
  organization: OrganizationRef | null;
  created_at: string;
}

export interface ContactInput {
  name?: string | undefined;
  designation?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  address?: string | null | undefined;
  organization_id?: string | null | undefined;
}

export interface ContactSearch {
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

export const organizationRef = (row: OrganizationRow): OrganizationRef => ({
  _id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  website: row.website,
  address: row.address,
});

/** The public contacts of these rows, with their organizations and fields, in the rows' order. */
export async function toContacts(db: Kysely<Schema>, accountId: string, rows: ContactRow[]): Promise<Contact[]> {
  const orgIds = [...new Set(rows.flatMap((r) => (r.organization_id ? [r.organization_id] : [])))];
  const orgs = orgIds.length === 0
    ? []
    : await db.selectFrom('organizations').selectAll().where('account_id', '=', accountId).where('id', 'in', orgIds).execute();
  const orgById = new Map(orgs.map((o) => [o.id, organizationRef(o)]));
  const fields = await fieldsOf(db, accountId, 'contact', rows.map((r) => r.id));
  return rows.map((row) => ({
    _id: row.id,
    name: row.name,
    designation: row.designation,
    email: row.email,
    phone: row.phone,
    address: row.address,
    fields: fields.get(row.id) ?? [],
    organization: (row.organization_id && orgById.get(row.organization_id)) || null,
    created_at: isoSeconds(new Date(row.created_at)),
  }));
}

export async function getContact(db: Kysely<Schema>, accountId: string, id: string): Promise<Contact> {
  const [contact] = await toContacts(db, accountId, [await getCatalogueRow(db, 'contacts', accountId, id)]);
  return contact!;
}

/** Characters a phone number is written with that do not change it. */
const PHONE_NOISE = [' ', '-', '(', ')', '.'];
const normalPhone = (phone: string) => PHONE_NOISE.reduce((text, c) => text.split(c).join(''), phone.trim());
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of contacts by name, optionally filtered: `name` contains (case-insensitive), `email`
 * equal (case-insensitive), `phone` equal ignoring spaces, dashes, dots and parentheses.
 */
export async function listContacts(db: Kysely<Schema>, accountId: string, search: ContactSearch, limit: number, offset: number): Promise<Contact[]> {
  let query = db.selectFrom('contacts').selectAll().where('account_id', '=', accountId);
  if (search.name !== undefined && search.name.trim() !== '') {
    query = query.where(sql<boolean>`lower(name) like ${likePattern(search.name.trim())} escape '\\'`);
  }
  if (search.email !== undefined) query = query.where(sql<boolean>`lower(email) = ${search.email.trim().toLowerCase()}`);
  if (search.phone !== undefined) {
    const column = PHONE_NOISE.reduce((expr, c) => sql`replace(${expr}, ${c}, '')`, sql`phone`);
    query = query.where(sql<boolean>`${column} = ${normalPhone(search.phone)}`);
  }
  const rows = await query.orderBy('name').orderBy('id').limit(limit).offset(offset).execute();
  return toContacts(db, accountId, rows);
}

/** The organization id a client sent, checked to be one of the account's (else a 400). */
async function checkedOrganization(db: Kysely<Schema>, accountId: string, id: string | null | undefined): Promise<string | null | undefined> {
  if (id === undefined || id === null) return id;
  const found = await db.selectFrom('organizations').select('id').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!found) throw invalid('organization_id is not an organization of this account', [{ field: 'organization_id', message: 'unknown organization' }]);
  return id;
}

export async function createContact(db: Kysely<Schema>, accountId: string, input: ContactInput & { name: string }, now: Date): Promise<Contact> {
  const row: ContactRow = {
    id: newId(now),
    account_id: accountId,
    name: input.name,
    designation: input.designation ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    address: input.address ?? null,
    organization_id: (await checkedOrganization(db, accountId, input.organization_id)) ?? null,
    created_at: now.getTime(),
  };
  await db.insertInto('contacts').values(row).execute();
  return getContact(db, accountId, row.id);
}

/** Changes only the properties given; `organization_id: null` detaches the organization. */
export async function updateContact(db: Kysely<Schema>, accountId: string, id: string, input: ContactInput): Promise<Contact> {
  await getCatalogueRow(db, 'contacts', accountId, id);
  const set: Partial<ContactRow> = {};
  for (const key of ['name', 'designation', 'email', 'phone', 'address'] as const) {
    if (input[key] !== undefined) Object.assign(set, { [key]: input[key] });
  }
  if (input.organization_id !== undefined) set.organization_id = await checkedOrganization(db, accountId, input.organization_id) ?? null;
  if (Object.keys(set).length > 0) await db.updateTable('contacts').set(set).where('id', '=', id).execute();
  return getContact(db, accountId, id);
}

/** Deletes the contact, its field values and its links to leads (silently, as every catalogue). */
export async function deleteContact(db: Kysely<Schema>, accountId: string, id: string): Promise<void> {
  await getCatalogueRow(db, 'contacts', accountId, id);
  await deleteValuesOf(db, id);
  await deleteCatalogueRow(db, 'contacts', id);
}

/** The contacts linked to a lead, in link order, as Contact objects. */
export async function listLeadContacts(db: Kysely<Schema>, accountId: string, linkedIds: string[]): Promise<Contact[]> {
  if (linkedIds.length === 0) return [];
  const rows = await db.selectFrom('contacts').selectAll().where('account_id', '=', accountId).where('id', 'in', linkedIds).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return toContacts(db, accountId, linkedIds.flatMap((id) => byId.get(id) ?? []));
}
