import { HttpError } from "../http/errors";

/** D1 reports a violated unique index only in the error's message. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && /UNIQUE constraint failed/i.test(err.message);
}

export const conflict = (code: string, message: string) => new HttpError(409, code, message);
