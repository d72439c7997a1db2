// Row types of the tables migration 012 adds (organizations and custom field definitions and
// values of contacts and organizations), re-exported by schema.ts with the others.

export interface OrganizationRow {
  id: string;
  account_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  website: string | null;
  address: string | null;
  created_at: number;
}

/** An account-level custom field definition for contacts or organizations (migration 012). */
export interface CustomFieldRow {
  id: string;
  account_id: string;
  applies_to: 'contact' | 'organization';
  name: string;
  created_at: number;
}

export interface CustomFieldValueRow {
  account_id: string;
  field_id: string;
  /** The contact's or organization's id. */
  owner_id: string;
  value: string;
  updated_at: number;
}
