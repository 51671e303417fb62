// The Runtime contract against LocalRuntime: a CodexBridge in this process.
import { CodexBridge } from "../../src/codex/bridge.js";
import { LocalRuntime } from "../../src/runtime/local.js";
import { runtimeContract } from "../contract/runtime.js";

runtimeContract(
  "LocalRuntime",
  (env) => {
    const bridge = new CodexBridge({ codexHome: env.codexHome, cwd: env.workdir, store: env.storePath });
    const runtime = new LocalRuntime({ bridge });
    return Promise.resolve({
      runtime,
      async close() {
        await runtime.close();
        await bridge.close();
      },
    });
  },
  { board: false },
);
