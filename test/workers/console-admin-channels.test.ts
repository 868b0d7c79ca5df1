import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AdminChannel } from "../../protocol/admin";
import { channelConfig } from "../../protocol/channel";
import { call } from "./fixtures";
import { errorOf, newAdmin } from "./console-admin-helpers";

const uniqueKey = () => `k-${crypto.randomUUID().slice(0, 12)}`;

async function storedRow(workspaceId: string, id: string) {
  return env.DB.prepare("SELECT key, name, config, allowed_origins, identity_secret FROM channels WHERE workspace_id = ? AND id = ?")
    .bind(workspaceId, id)
    .first<{ key: string; name: string; config: string; allowed_origins: string; identity_secret: string | null }>();
}

describe("Administration: channels", () => {
  it("lists and reads the workspace's channels with their whole config", async () => {
    const admin = await newAdmin({ config: { topics: ["Billing"] }, identitySecret: "s3cret" });
    const { channels } = await admin.json<{ channels: AdminChannel[] }>("GET", "/channels");
    expect(channels).toHaveLength(1);
    expect(channels[0]).toEqual({
      id: admin.channelId,
      key: admin.channelKey,
      name: "Support",
      allowedOrigins: ["*"],
      config: channelConfig.parse({ topics: ["Billing"] }),
      identitySecret: "s3cret",
    });
    const { channel } = await admin.json<{ channel: AdminChannel }>("GET", `/channels/${admin.channelId}`);
    expect(channel).toEqual(channels[0]);
  });

  it("creates a channel that works with defaults, storing exactly the parsed config", async () => {
    const admin = await newAdmin();
    const key = uniqueKey();
    const { channel } = await admin.json<{ channel: AdminChannel }>("POST", "/channels", { key, name: "  Sales  " }, 201);
    expect(channel).toMatchObject({ key, name: "Sales", allowedOrigins: [], identitySecret: null, config: channelConfig.parse({}) });
    const row = await storedRow(admin.workspaceId, channel.id);
    expect(JSON.parse(row!.config)).toEqual(channelConfig.parse({}));
    // No origin may embed it until the admin allows one.
    expect((await call(`/api/widget/channels/${key}`, { headers: { origin: "https://portal.example.com" } })).status).toBe(403);
  });

  it("lets the widget load a new channel at once from its allowed origins", async () => {
    const admin = await newAdmin();
    const key = uniqueKey();
    await admin.json("POST", "/channels", { key, name: "Portal", allowedOrigins: ["https://portal.example.com"] }, 201);
    expect((await call(`/api/widget/channels/${key}`, { headers: { origin: "https://portal.example.com" } })).status).toBe(200);
    expect((await call(`/api/widget/channels/${key}`, { headers: { origin: "https://other.example.com" } })).status).toBe(403);
  });

  it("saves opening hours, topics, pre-chat fields and every other setting", async () => {
    const admin = await newAdmin();
    const config = {
      topics: ["Invoicing", "Payroll"],
      preChatFields: [{ key: "company", label: "Company", type: "select", required: true, options: ["Acme", "Globex"] }],
      faqSuggestions: true,
      openingHours: { timeZone: "Europe/Helsinki", days: { mon: [["08:00", "16:00"]], sat: [["10:00", "12:00"], ["13:00", "14:00"]] } },
      ticketSubmission: true,
      idleMinutes: 25,
      endForm: { enabled: true, allowBackToChat: false },
      transcriptEmail: true,
      strings: { fi: { greeting: "Hei!" }, en: { greeting: "Hello!" } },
      notificationEmail: "desk@example.com",
      allowTeamRouting: true,
    };
    const body = { key: admin.channelKey, name: "Support desk", allowedOrigins: ["https://portal.example.com", "http://localhost:3000"], config };
    const { channel } = await admin.json<{ channel: AdminChannel }>("PUT", `/channels/${admin.channelId}`, body);
    const expected = channelConfig.parse(config);
    expect(channel.config).toEqual(expected);
    expect(channel.allowedOrigins).toEqual(body.allowedOrigins);
    const row = await storedRow(admin.workspaceId, admin.channelId);
    expect(JSON.parse(row!.config)).toEqual(expected);
    expect(JSON.parse(row!.allowed_origins)).toEqual(body.allowedOrigins);
    expect(row!.name).toBe("Support desk");
    // What the widget is told follows the new settings.
    const pub = (await (await call(`/api/widget/channels/${admin.channelKey}`, { headers: { origin: "https://portal.example.com" } })).json()) as {
      channel: { topics: string[]; openingHours: unknown };
    };
    expect(pub.channel.topics).toEqual(["Invoicing", "Payroll"]);
    expect(pub.channel.openingHours).toEqual(expected.openingHours);
  });

  it("refuses bad input with a message naming the field, and changes nothing", async () => {
    const admin = await newAdmin();
    const before = await storedRow(admin.workspaceId, admin.channelId);
    const valid = { key: admin.channelKey, name: "Support", allowedOrigins: [], config: {} };
    const cases: [unknown, RegExp][] = [
      [{ ...valid, key: "Has Spaces" }, /^key: /],
      [{ ...valid, name: "  " }, /^name: name is required/],
      [{ ...valid, allowedOrigins: ["https://portal.example.com/path"] }, /^allowedOrigins\.0: /],
      [{ ...valid, config: { idleMinutes: 0 } }, /^config\.idleMinutes: /],
      [{ ...valid, config: { openingHours: { timeZone: "Mars/Olympus", days: {} } } }, /^config\.openingHours\.timeZone: .*IANA/],
      [{ ...valid, config: { openingHours: { timeZone: "UTC", days: { mon: [["9:00", "17:00"]] } } } }, /^config\.openingHours\.days\.mon\.0\.0: times are HH:MM/],
      [{ ...valid, config: { strings: { xx: { greeting: "?" } } } }, /^config\.strings/],
      [{ ...valid, config: { preChatFields: [{ key: "Company", label: "Company" }] } }, /^config\.preChatFields\.0\.key: /],
      [{ name: "Support", allowedOrigins: [], config: {} }, /^key: /],
    ];
    for (const [body, message] of cases) {
      const error = await errorOf(await admin.request("PUT", `/channels/${admin.channelId}`, body));
      expect(error.status, JSON.stringify(body)).toBe(400);
      expect(error.message).toMatch(message);
    }
    expect((await errorOf(await admin.request("POST", "/channels", { key: "ok-key" }))).message).toMatch(/^name: /);
    expect((await errorOf(await admin.request("PUT", `/channels/${admin.channelId}`, "{not json"))).code).toBe("malformed_json");
    expect(await storedRow(admin.workspaceId, admin.channelId)).toEqual(before);
  });

  it("answers 409 with a clear message when a key is taken, in any workspace", async () => {
    const admin = await newAdmin();
    const other = await newAdmin();
    const created = await errorOf(await admin.request("POST", "/channels", { key: other.channelKey, name: "Copy" }));
    expect(created).toMatchObject({ status: 409, code: "channel_key_taken" });
    expect(created.message).toContain(`"${other.channelKey}" is already taken`);
    const { channel } = await admin.json<{ channel: AdminChannel }>("POST", "/channels", { key: uniqueKey(), name: "Second" }, 201);
    const renamed = await errorOf(
      await admin.request("PUT", `/channels/${channel.id}`, { key: admin.channelKey, name: "Second", allowedOrigins: [], config: {} }),
    );
    expect(renamed).toMatchObject({ status: 409, code: "channel_key_taken" });
    expect((await storedRow(admin.workspaceId, channel.id))!.key).toBe(channel.key);
  });

  it("answers 404 for a channel that does not exist", async () => {
    const admin = await newAdmin();
    expect((await errorOf(await admin.request("GET", "/channels/ch_missing"))).status).toBe(404);
    const body = { key: uniqueKey(), name: "X", allowedOrigins: [], config: {} };
    expect((await errorOf(await admin.request("PUT", "/channels/ch_missing", body))).status).toBe(404);
  });

  it("generates a new identity secret, which replaces the old one, and can turn it off", async () => {
    const admin = await newAdmin({ identitySecret: "old-secret" });
    const first = await admin.json<{ identitySecret: string }>("POST", `/channels/${admin.channelId}/identity-secret`);
    expect(first.identitySecret).toMatch(/^[0-9a-f]{64}$/);
    const second = await admin.json<{ identitySecret: string }>("POST", `/channels/${admin.channelId}/identity-secret`);
    expect(second.identitySecret).not.toBe(first.identitySecret);
    expect((await storedRow(admin.workspaceId, admin.channelId))!.identity_secret).toBe(second.identitySecret);
    expect(await admin.json("DELETE", `/channels/${admin.channelId}/identity-secret`)).toEqual({ identitySecret: null });
    expect((await storedRow(admin.workspaceId, admin.channelId))!.identity_secret).toBeNull();
  });
});
