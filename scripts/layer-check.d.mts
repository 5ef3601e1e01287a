/** What a package may import: at run time, for types only, and single named exceptions. */
export interface LayerRule {
  runtime: string[];
  types: string[];
  allowed?: [target: string, name: string][];
}

/** The layer table of DESIGN.md, by package directory name. */
export const LAYERS: Record<string, LayerRule>;

/** The `@sipkit/*` imports of one source text. */
export function importsOf(text: string): { target: string; typeOnly: boolean; names: string[] }[];

/** Every import under `<root>/packages/<name>/src` that the layer table does not allow. */
export function layerViolations(root: string): string[];
