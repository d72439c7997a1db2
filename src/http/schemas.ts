// Schemas shared by many routes. Route schemas are TypeBox: JSON Schema for validation and
// OpenAPI, and the TypeScript type of the request, from one definition.
import { Type, type Static } from 'typebox';
import { ID_PATTERN } from '../shared/ids.ts';

export const Id = Type.String({ pattern: ID_PATTERN, description: '24 lowercase hex characters' });

export const IdParams = Type.Object({ id: Id });

/** The largest page: a bigger `size` is served as this many (clamped, not refused). */
export const MAX_PAGE_SIZE = 500;
/** Pages past this are refused (400), so no offset overflows. */
export const MAX_PAGE = 1_000_000;

export const Paging = Type.Object({
  page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1, description: 'from 1' }),
  size: Type.Integer({
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    default: 25,
    description: `default 25; more than ${MAX_PAGE_SIZE} is served as ${MAX_PAGE_SIZE}`,
  }),
});
export type Paging = Static<typeof Paging>;

export const Ref = Type.Object({ _id: Type.String(), name: Type.String() });

export const Empty = Type.Object({});

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Unknown() }),
  message: Type.String({ description: 'the same sentence as error.message' }),
  detail: Type.String({ description: 'the same sentence as error.message' }),
});

export function pageWindow(paging: Paging): { limit: number; offset: number } {
  const size = Math.min(paging.size, MAX_PAGE_SIZE);
  return { limit: size, offset: (paging.page - 1) * size };
}

/** A trimmed, non-empty string up to `max` characters. */
export const Text = (max = 500, options: object = {}) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S', ...options });

/** `/leads/:id/<things>/:itemId`: a lead and one of its todos, notes, contacts, … */
export const LeadItemParams = Type.Object({ id: Id, itemId: Id });
export type LeadItemParams = Static<typeof LeadItemParams>;

/** An optional free-text property that may be null (absent and null both mean "none"). */
export const NullableText = (max = 500) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));

/** A money-like amount: finite, not negative, bounded so SQLite and PostgreSQL store it exactly. */
export const Amount = Type.Number({ minimum: 0, maximum: 1e12 });
