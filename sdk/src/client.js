import createClient from "openapi-fetch";

/**
 * A client for one workspace's /api/v1, typed by the OpenAPI document (see schema.d.ts).
 *
 * @example
 * const parley = createParleyClient({ baseUrl: "https://support.example.com", apiKey: process.env.PARLEY_API_KEY });
 * const { data, error } = await parley.GET("/conversations/{id}", { params: { path: { id } } });
 */
export function createParleyClient({ baseUrl, apiKey, fetch, headers }) {
  if (!apiKey) throw new TypeError("createParleyClient: apiKey is required");
  return createClient({
    baseUrl: `${String(baseUrl).replace(/\/+$/, "")}/api/v1`,
    headers: { ...headers, Authorization: `Bearer ${apiKey}` },
    ...(fetch ? { fetch } : {}),
  });
}
