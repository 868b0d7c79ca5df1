import { z } from "zod";
import type { CannedResponse, CannedResponseUpdate, cannedResponseInput } from "../../protocol/canned-responses";
import { locale } from "../../protocol/channel";
import { LIMITS } from "../../protocol/limits";
import { HttpError } from "../http/errors";
import { ftsQuery } from "./fts-query";
import { newId } from "./ids";

type Input = z.output<typeof cannedResponseInput>;

/**
 * Who is asking: an agent sees the shared replies and their own; the REST API (a workspace's key,
 * nobody in particular) sees only the shared ones, since personal ones belong to their agent.
 */
export type CannedViewer = { agentId: string | null };

const row = z.object({
  id: z.string(),
  owner_agent_id: z.string().nullable(),
  shortcut: z.string(),
  title: z.string(),
  body: z.string(),
  variants: z.string(),
  created_at: z.number(),
  updated_at: z.number(),
});

const storedVariants = z.partialRecord(locale, z.string());

function toCannedResponse(value: unknown): CannedResponse {
  const r = row.parse(value);
  return {
    id: r.id,
    shortcut: r.shortcut,
    title: r.title,
    body: r.body,
    variants: storedVariants.parse(JSON.parse(r.variants)),
    scope: r.owner_agent_id ? "personal" : "shared",
    ownerAgentId: r.owner_agent_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const COLUMNS = "cr.id, cr.owner_agent_id, cr.shortcut, cr.title, cr.body, cr.variants, cr.created_at, cr.updated_at";
const VISIBLE = "cr.workspace_id = ? AND (cr.owner_agent_id IS NULL OR cr.owner_agent_id = ?)";

/** Shared first, then personal, each by shortcut; with `q`, best full-text match first, shortcut hits too. */
export async function listCannedResponses(db: D1Database, workspaceId: string, viewer: CannedViewer, q?: string): Promise<CannedResponse[]> {
  if (!q) {
    const { results } = await db
      .prepare(`SELECT ${COLUMNS} FROM canned_responses cr WHERE ${VISIBLE} ORDER BY cr.owner_agent_id IS NOT NULL, cr.shortcut`)
      .bind(workspaceId, viewer.agentId)
      .all();
    return results.map(toCannedResponse);
  }
  const match = ftsQuery(q);
  // Every shortcut starts with a letter or digit, so input without one matches nothing.
  if (!match) return [];
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM canned_responses cr
       LEFT JOIN (SELECT canned_response_id, bm25(canned_responses_fts) AS rank FROM canned_responses_fts
                  WHERE canned_responses_fts MATCH ? AND workspace_id = ?) hit ON hit.canned_response_id = cr.id
       WHERE ${VISIBLE} AND (hit.canned_response_id IS NOT NULL OR cr.shortcut LIKE ? ESCAPE '\\')
       ORDER BY cr.shortcut LIKE ? ESCAPE '\\' DESC, hit.rank, cr.shortcut`,
    )
    .bind(match, workspaceId, workspaceId, viewer.agentId, `${likePrefix(q)}%`, `${likePrefix(q)}%`)
    .all();
  return results.map(toCannedResponse);
}

const likePrefix = (q: string) => q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`);

export async function getCannedResponse(db: D1Database, workspaceId: string, viewer: CannedViewer, id: string): Promise<CannedResponse | null> {
  const found = await db
    .prepare(`SELECT ${COLUMNS} FROM canned_responses cr WHERE ${VISIBLE} AND cr.id = ?`)
    .bind(workspaceId, viewer.agentId, id)
    .first();
  return found ? toCannedResponse(found) : null;
}

const shortcutTaken = (shortcut: string) =>
  new HttpError(409, "shortcut_taken", `shortcut: /${shortcut} is already used by another canned response`);

const isUniqueViolation = (err: unknown) => err instanceof Error && /UNIQUE constraint failed/i.test(err.message);

/**
 * Inserted only while its owner (the workspace for shared ones, else the agent) is under its
 * count, checked in the same statement so that parallel creates cannot pass it together.
 */
export async function createCannedResponse(
  db: D1Database,
  workspaceId: string,
  owner: string | null,
  input: Omit<Input, "scope">,
): Promise<CannedResponse> {
  const now = Date.now();
  const id = newId("cr");
  const cap = owner ? LIMITS.cannedResponses.perAgent : LIMITS.cannedResponses.perWorkspace;
  try {
    const result = await db
      .prepare(
        `INSERT INTO canned_responses (workspace_id, id, owner_agent_id, shortcut, title, body, variants, created_at, updated_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?
         WHERE (SELECT COUNT(*) FROM canned_responses WHERE workspace_id = ? AND owner_agent_id IS ?) < ?`,
      )
      .bind(workspaceId, id, owner, input.shortcut, input.title, input.body, JSON.stringify(input.variants), now, now, workspaceId, owner, cap)
      .run();
    if (result.meta.changes === 0) {
      throw new HttpError(409, "limit_reached", `at most ${cap} ${owner ? "personal" : "shared"} canned responses; delete one first`);
    }
  } catch (err) {
    if (isUniqueViolation(err)) throw shortcutTaken(input.shortcut);
    throw err;
  }
  return {
    id,
    shortcut: input.shortcut,
    title: input.title,
    body: input.body,
    variants: input.variants,
    scope: owner ? "personal" : "shared",
    ownerAgentId: owner,
    createdAt: now,
    updatedAt: now,
  };
}

/** Changes the fields given; the caller has checked that the one asking may change this one. */
export async function updateCannedResponse(
  db: D1Database,
  workspaceId: string,
  current: CannedResponse,
  update: CannedResponseUpdate,
): Promise<CannedResponse> {
  const next = { ...current, ...update, updatedAt: Date.now() };
  try {
    await db
      .prepare("UPDATE canned_responses SET shortcut = ?, title = ?, body = ?, variants = ?, updated_at = ? WHERE workspace_id = ? AND id = ?")
      .bind(next.shortcut, next.title, next.body, JSON.stringify(next.variants), next.updatedAt, workspaceId, current.id)
      .run();
  } catch (err) {
    if (isUniqueViolation(err)) throw shortcutTaken(next.shortcut);
    throw err;
  }
  return next;
}

export async function deleteCannedResponse(db: D1Database, workspaceId: string, id: string): Promise<void> {
  await db.prepare("DELETE FROM canned_responses WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).run();
}
