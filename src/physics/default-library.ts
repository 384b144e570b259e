import type { SpinSystemLibrary } from './library.js';

/**
 * Where simulateBasis finds spin systems when the caller passes none. In Node, importing src/physics/index.ts
 * installs the built-in data/spin-systems folder (library-files.ts); a browser bundle, which has no file system,
 * installs its own (e.g. SpinSystemLibrary.fromTexts over bundled YAML) or passes `options.library`.
 * Keeping this indirection means the simulation modules never import node:fs.
 */
let provider: (() => SpinSystemLibrary) | undefined;

export function setDefaultSpinSystemProvider(p: () => SpinSystemLibrary): void {
  provider = p;
}

export function defaultSpinSystems(): SpinSystemLibrary {
  if (!provider) {
    throw new Error(
      'no spin-system library: import src/physics/index.js (Node) or call setDefaultSpinSystemProvider, or pass options.library',
    );
  }
  return provider();
}
