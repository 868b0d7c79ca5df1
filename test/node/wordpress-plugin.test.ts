import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { verifyUserToken } from "../../worker/auth/user-token";

const root = fileURLToPath(new URL("../..", import.meta.url));
const plugin = join(root, "wordpress-plugin", "parley-chat");
const stubs = join(root, "test", "node", "wordpress-plugin-stubs.php");
const hasPhp = spawnSync("php", ["--version"]).status === 0;
// .ci/run installs php-cli; a developer machine without PHP skips these instead of failing.
const describeWithPhp = hasPhp || process.env.CI ? describe : describe.skip;

const phpFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? phpFiles(join(dir, e.name)) : e.name.endsWith(".php") ? [join(dir, e.name)] : []));

/** Runs PHP code with the WordPress stubs and the plugin loaded; returns what it printed. */
const php = (code: string) =>
  execFileSync("php", [], { input: `<?php require ${JSON.stringify(stubs)}; require ${JSON.stringify(join(plugin, "parley-chat.php"))};\n${code}`, encoding: "utf8" });

const SECRET = "channel-identity-secret-0123456789";
const settings = (extra = "") =>
  `$GLOBALS['wp_options']['parley_chat_settings'] = array('worker_url' => 'https://support.example.com', 'channel' => 'acme', 'identity_secret' => '${SECRET}'${extra});`;
const signIn = `$u = new WP_User(); $u->ID = 7; $u->user_email = 'maija@acme.example'; $u->display_name = 'Maija "M" <Meikäläinen>'; $u->roles = array('customer'); $GLOBALS['wp_current_user'] = $u;`;

describeWithPhp("the WordPress plugin (wordpress-plugin/parley-chat)", () => {
  it("passes php -l, every file", () => {
    const files = phpFiles(plugin);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) expect(execFileSync("php", ["-l", file], { encoding: "utf8" })).toContain("No syntax errors");
  });

  it("mints a user-token that the Worker's own verifier accepts, claims and all", async () => {
    const token = php(`echo parley_chat_user_token('${SECRET}', array('sub' => 42, 'email' => 'a@b.example', 'name' => 'Åsa', 'account_id' => 'acme-1', 'attributes' => array('plan' => 'Pro', 'seats' => 12, 'vip' => true)));`);
    const [head] = token.split(".");
    expect(JSON.parse(Buffer.from(head!, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    const result = await verifyUserToken(SECRET, token);
    expect(result).toMatchObject({ ok: true, claims: { sub: "42", email: "a@b.example", name: "Åsa", account_id: "acme-1", attributes: { plan: "Pro", seats: 12, vip: true } } });
    if (!result.ok) return;
    expect(result.claims.exp - result.claims.iat!).toBe(600);
    expect(await verifyUserToken("another-secret", token)).toEqual({ ok: false, reason: "bad_signature" });

    const sparse = php(`echo parley_chat_user_token('${SECRET}', array('sub' => 'wp-9', 'email' => '', 'name' => null, 'attributes' => array()));`);
    expect(await verifyUserToken(SECRET, sparse)).toMatchObject({ ok: true, claims: { sub: "wp-9" } });
  });

  it("prints the embed with a user-token for a signed-in user, and without one for a visitor", async () => {
    const signedOut = php(`${settings(", 'locale' => 'fi'")} parley_chat_print_embed();`);
    expect(signedOut).toBe('<script type="module" src="https://support.example.com/widget.js"></script>\n<parley-chat channel="acme" locale="fi"></parley-chat>\n');

    const signedIn = php(`${settings()} ${signIn} parley_chat_print_embed();`);
    const token = /user-token="([^"]+)"/.exec(signedIn)?.[1] ?? "";
    const result = await verifyUserToken(SECRET, token);
    expect(result).toMatchObject({
      ok: true,
      claims: { sub: "wp-7", email: "maija@acme.example", name: 'Maija "M" <Meikäläinen>', attributes: { wp_role: "customer" } },
    });
  });

  it("lets a site add claims with the parley_chat_user_claims filter", async () => {
    const out = php(`${settings()} ${signIn}
add_filter('parley_chat_user_claims', function ($claims, $user) { $claims['account_id'] = 'acme-' . $user->ID; return $claims; }, 10, 2);
parley_chat_print_embed();`);
    const result = await verifyUserToken(SECRET, /user-token="([^"]+)"/.exec(out)?.[1] ?? "");
    expect(result).toMatchObject({ ok: true, claims: { account_id: "acme-7" } });
  });

  it("prints nothing until configured, and no token without a secret", () => {
    expect(php(`${signIn} parley_chat_print_embed();`)).toBe("");
    expect(php(`${settings().replace(SECRET, "")} ${signIn} parley_chat_print_embed();`)).not.toContain("user-token");
  });

  it("keeps only well-formed settings, and never loses or echoes the saved secret", () => {
    const saved = php(`${settings()}
echo json_encode(array(
  parley_chat_sanitize_settings(array('worker_url' => 'javascript:alert(1)', 'channel' => 'Acme Support"><script>', 'locale' => 'xx-evil!', 'identity_secret' => '')),
  parley_chat_sanitize_settings(array('worker_url' => 'https://support.example.com/', 'channel' => 'acme', 'identity_secret' => ' new-secret ')),
  parley_chat_sanitize_settings(array('worker_url' => 'https://support.example.com', 'channel' => 'acme', 'clear_identity_secret' => '1')),
));`);
    expect(JSON.parse(saved)).toEqual([
      { worker_url: "", channel: "", locale: "", identity_secret: SECRET },
      { worker_url: "https://support.example.com", channel: "acme", locale: "", identity_secret: "new-secret" },
      { worker_url: "https://support.example.com", channel: "acme", locale: "", identity_secret: "" },
    ]);
  });

  it("renders its settings page with labelled fields and without the saved secret", () => {
    const page = php(`${settings()} parley_chat_render_settings_page();`);
    for (const id of ["parley-worker-url", "parley-channel", "parley-locale", "parley-identity-secret"]) {
      expect(page).toContain(`<label for="${id}">`);
      expect(page).toContain(`id="${id}"`);
    }
    expect(page).toContain('value="https://support.example.com"');
    expect(page).toContain("Remove the saved secret");
    expect(page).not.toContain(SECRET);
  });
});
