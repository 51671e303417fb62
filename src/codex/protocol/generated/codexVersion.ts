// Written by scripts/generateProtocol.mjs: the codex version these types came from.
export const GENERATED_FROM_CODEX_VERSION = "0.169.0";
