import Type, { type Static } from 'typebox';
import type { SegmentFilter } from './segment-filter.ts';

/** Segments: saved filters over contacts (see docs/segments.md). */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A filter tree as sent and stored (checked by `validateSegmentFilter`, which names each fault's path). */
export const SegmentFilterSchema = Type.Unsafe<SegmentFilter>({
  type: 'object',
  additionalProperties: true,
  description: 'Filter tree: {all:[…]}, {any:[…]}, {not:…} or {field, op, value}; fields in docs/segments.md',
});

export const SegmentBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 120 }),
  filter: SegmentFilterSchema,
});
export const SegmentPatchBody = Type.Partial(SegmentBody);
export const SegmentPreviewBody = Type.Object({
  filter: SegmentFilterSchema,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});

export const SegmentMember = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  lastSeenAt: Iso,
});
export type SegmentMember = Static<typeof SegmentMember>;

export const SegmentView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  filter: SegmentFilterSchema,
  /** Contacts matching now. */
  count: Type.Integer(),
  createdAt: Iso,
  updatedAt: Iso,
});
export type SegmentView = Static<typeof SegmentView>;

export const SegmentPreview = Type.Object({
  count: Type.Integer(),
  members: Type.Array(SegmentMember),
});
export type SegmentPreview = Static<typeof SegmentPreview>;

export const SegmentMembersQuery = Type.Object({
  /** Members after this contact id (the previous page's `next`). */
  after: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});

export const SegmentMembersPage = Type.Object({
  items: Type.Array(SegmentMember),
  /** Pass as `after` for the next page; null on the last. */
  next: Nullable(Type.String()),
});
export type SegmentMembersPage = Static<typeof SegmentMembersPage>;
