export { createParleyClient } from "./client.js";
export { mintUserToken } from "./user-token.js";
