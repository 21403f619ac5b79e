import { defineConfig, type Options } from 'tsup';

/** One build shape for every package: ESM, declarations, source maps, no bundled deps. */
export function packageBuild(entry: Record<string, string> | string[], extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    target: 'node20',
    platform: 'neutral',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    // Keep `node:` specifiers: bundlers and Deno need them, and they say plainly which entries are Node-only.
    removeNodeProtocol: false,
    ...extra,
    external: [/^node:/, ...(extra.external ?? [])],
  });
}
