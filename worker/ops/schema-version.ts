/**
 * The newest D1 migration this Worker's code expects. A deploy whose database has not had it applied
 * would run new queries against an old schema: /healthz says so instead of the first request failing.
 * test/workers/health.test.ts fails when a new file in migrations/ is not named here.
 */
export const LATEST_MIGRATION = "0028_team_members_by_agent.sql";
