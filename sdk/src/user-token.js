const encoder = new TextEncoder();

const base64Url = (bytes) => {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const part = (value) => base64Url(encoder.encode(JSON.stringify(value)));

/**
 * Mints the `user-token` of `<parley-chat>` on your server: a JWT, HS256 with the channel's
 * identity secret. Parley refuses tokens that live longer than 24 hours, so mint one per page view
 * (the default lifetime is 10 minutes). Never mint in the browser: the secret must stay on the server.
 *
 * @example
 * const token = await mintUserToken(process.env.PARLEY_IDENTITY_SECRET, { sub: user.id, email: user.email, name: user.name });
 */
export async function mintUserToken(secret, claims, { lifetimeSeconds = 600, now = Date.now() } = {}) {
  if (!secret) throw new TypeError("mintUserToken: the channel's identity secret is required");
  if (!claims?.sub) throw new TypeError("mintUserToken: claims.sub (your user's id) is required");
  const iat = Math.floor(now / 1000);
  // A user without a name or company must still get a chat: Parley refuses empty claims, so they are left out.
  const given = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined && value !== null && value !== ""));
  const signingInput = `${part({ alg: "HS256", typ: "JWT" })}.${part({ iat, exp: iat + lifetimeSeconds, ...given })}`;
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(signingInput)));
  return `${signingInput}.${base64Url(signature)}`;
}
