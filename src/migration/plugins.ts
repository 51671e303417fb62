/** Installed codex plugins, as codex itself lists them (`plugin/list` on a short-lived app-server). */
import { CodexClient } from "../codex/client.js";
import type { PluginDiscovery } from "./plan.js";

export async function discoverPlugins(options: {
  codexBin?: string;
  codexHome?: string;
}): Promise<PluginDiscovery> {
  let client: CodexClient | undefined;
  try {
    client = await CodexClient.start({
      ...(options.codexBin ? { codexBin: options.codexBin } : {}),
      ...(options.codexHome ? { codexHome: options.codexHome } : {}),
      connection: { requestTimeoutMs: 20_000 },
      shutdownGraceMs: 1000,
    });
    const listed = await client.pluginList({});
    const plugins = listed.marketplaces.flatMap((m) =>
      m.plugins.filter((p) => p.installed).map((p) => ({ id: p.id, enabled: p.enabled })),
    );
    return { ok: true, plugins };
  } catch (err) {
    return {
      ok: false,
      error: `plugin discovery failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  } finally {
    await client?.close();
  }
}
