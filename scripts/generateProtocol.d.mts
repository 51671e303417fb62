export const GENERATED_DIR: string;
export function addJsExtensions(source: string, fileDir: string): string;
export function listFiles(dir: string): string[];
export function generateProtocol(codexBin: string, outDir: string, env?: NodeJS.ProcessEnv): string;
