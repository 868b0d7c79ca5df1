import { describe, expect, it } from "vitest";
import type { Team } from "../../protocol/admin";
import { errorOf, newAdmin, newPlainAgent, type AdminClient } from "./console-admin-helpers";

async function teams(admin: AdminClient): Promise<Team[]> {
  return (await admin.json<{ teams: Team[] }>("GET", "/teams")).teams;
}

describe("Administration: teams", () => {
  it("creates a team of agents, changes its name and members, and deletes it", async () => {
    const admin = await newAdmin();
    const ada = await newPlainAgent(admin);
    const bo = await newPlainAgent(admin);
    const { team } = await admin.json<{ team: Team }>("POST", "/teams", { name: " Payroll ", memberIds: [ada.agentId] }, 201);
    expect(team).toMatchObject({ name: "Payroll", memberIds: [ada.agentId] });
    expect(await teams(admin)).toEqual([team]);

    const { team: changed } = await admin.json<{ team: Team }>("PUT", `/teams/${team.id}`, {
      name: "Payroll experts",
      memberIds: [bo.agentId, ada.agentId],
    });
    expect(changed).toEqual({ ...team, name: "Payroll experts", memberIds: [bo.agentId, ada.agentId] });
    expect((await teams(admin))[0]!.memberIds.sort()).toEqual([ada.agentId, bo.agentId].sort());

    expect((await admin.request("DELETE", `/teams/${team.id}`)).status).toBe(204);
    expect(await teams(admin)).toEqual([]);
  });

  it("drops a deleted agent from their teams", async () => {
    const admin = await newAdmin();
    const ada = await newPlainAgent(admin);
    const bo = await newPlainAgent(admin);
    await admin.json("POST", "/teams", { name: "Taxes", memberIds: [ada.agentId, bo.agentId] }, 201);
    await admin.request("DELETE", `/agents/${ada.agentId}`);
    expect((await teams(admin))[0]!.memberIds).toEqual([bo.agentId]);
  });

  it("refuses bad input with a message naming the field, a taken name with 409, and changes nothing", async () => {
    const admin = await newAdmin();
    const ada = await newPlainAgent(admin);
    const cases: [unknown, RegExp][] = [
      [{ name: "", memberIds: [] }, /^name: name is required/],
      [{ name: "T", memberIds: [ada.agentId, ada.agentId] }, /^memberIds: memberIds lists an agent twice/],
      [{ name: "T", memberIds: ["ag_nobody"] }, /^memberIds: no agent ag_nobody/],
      [{ name: "T" }, /^memberIds: /],
    ];
    for (const [body, message] of cases) {
      const error = await errorOf(await admin.request("POST", "/teams", body));
      expect(error.status, JSON.stringify(body)).toBe(400);
      expect(error.message).toMatch(message);
    }
    const { team } = await admin.json<{ team: Team }>("POST", "/teams", { name: "Payroll", memberIds: [ada.agentId] }, 201);
    const taken = await errorOf(await admin.request("POST", "/teams", { name: "payroll", memberIds: [] }));
    expect(taken).toMatchObject({ status: 409, code: "team_name_taken" });
    const { team: other } = await admin.json<{ team: Team }>("POST", "/teams", { name: "Taxes", memberIds: [] }, 201);
    expect((await errorOf(await admin.request("PUT", `/teams/${other.id}`, { name: "Payroll", memberIds: [] }))).status).toBe(409);
    expect((await errorOf(await admin.request("PUT", `/teams/${team.id}`, { name: "Payroll", memberIds: ["ag_nobody"] }))).status).toBe(400);
    expect(await teams(admin)).toEqual([team, other]);
  });

  it("answers 404 for a team that does not exist", async () => {
    const admin = await newAdmin();
    expect((await errorOf(await admin.request("PUT", "/teams/tm_missing", { name: "X", memberIds: [] }))).status).toBe(404);
    expect((await errorOf(await admin.request("DELETE", "/teams/tm_missing"))).status).toBe(404);
  });
});
