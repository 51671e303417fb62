import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// Both src/ (tests) and dist/ (built) sit one level below the package root.
const pkg = require("../package.json") as { name: string; version: string };

/** This package's name and version, from package.json. */
export const PACKAGE_NAME: string = pkg.name;
export const PACKAGE_VERSION: string = pkg.version;
