/** Where the generated types of the typed client live. */
export declare const SCHEMA_PATH: string;
/** The OpenAPI document of /api/v1, as GET /api/v1/openapi.json builds it. */
export declare function openApiDocument(): Promise<Record<string, unknown>>;
/** The text sdk/src/schema.d.ts should have now. */
export declare function generateSchema(): Promise<string>;
