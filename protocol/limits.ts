// Plain constants, kept apart from the zod schemas so the widget can import them without bundling zod.
export const MAX_FRAME_BYTES = 16 * 1024;
export const MAX_MESSAGE_LENGTH = 4000;
export const HISTORY_PAGE_SIZE = 200;
export const MAX_NAME_LENGTH = 120;
export const MAX_SUBJECT_LENGTH = 200;
export const MAX_COMMENT_LENGTH = 2000;
/** Channels may lower this; it is the ceiling for any upload. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const LOCALES = ["en", "fi", "sv", "no", "da", "de", "nl", "it"] as const;
