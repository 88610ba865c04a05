import { ErrorBody } from '@beckon/protocol/api';
import Type, { type TSchema } from 'typebox';

/** Error responses every authenticated route may give, for the OpenAPI document. */
export const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  429: ErrorBody,
} as const;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const NoContent = Type.Null({ description: 'No content' });

/** Response map: the success schema under `status` plus the shared error bodies. */
export function replies<S extends number, T extends TSchema>(status: S, schema: T) {
  return { [status]: schema, ...errors } as { [K in S]: T } & typeof errors;
}

export const security: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];
