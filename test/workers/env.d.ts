import type { D1Migration } from "cloudflare:test";
import type { Env as ParleyEnv } from "../../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends ParleyEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import("../../worker/index");
    }
  }
}
