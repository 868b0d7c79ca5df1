// Plain constants, kept apart from the zod schemas so the console can import them without bundling zod.
/** Rows per inbox page the console offers. */
export const PAGE_SIZES = [25, 50, 100, 250] as const;
