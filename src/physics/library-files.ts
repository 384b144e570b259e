import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import { SpinSystemLibrary } from './library.js';

/**
 * Node-side loading of spin-system files. The built-in library is data/spin-systems/*.yaml at the package root
 * (found from this module's location both in src/ under vitest and in dist/src/ after the build).
 */
export function builtinSpinSystemDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = join(here, up, 'data', 'spin-systems');
    if (existsSync(dir)) return dir;
  }
  throw new InputError('the built-in spin-system folder data/spin-systems is missing', {
    file: join(here, '../../data/spin-systems'),
  });
}

/** Reads every *.yaml / *.yml file of a folder, or one file. */
export function readSpinSystemTexts(path: string): { file: string; text: string }[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => /\.ya?ml$/i.test(f))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (err) {
    throw new InputError(`cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      file: path,
      expected: 'a spin-system YAML file or a folder of them',
    });
  }
  if (files.length === 0)
    throw new InputError('no .yaml files', { file: path, expected: 'spin-system files' });
  return files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const stem = basename(file).replace(/\.ya?ml$/i, '');
    const name = /^name:\s*['"]?([^'"\s#]+)/m.exec(text)?.[1];
    if (name !== undefined && name !== stem) {
      throw new InputError(`molecule '${name}' is in a file named '${stem}'`, {
        file,
        field: 'name',
        expected: 'the file name to be <name>.yaml',
      });
    }
    return { file, text };
  });
}

let builtin: SpinSystemLibrary | undefined;

/** The built-in library (loaded once per process). */
export function builtinSpinSystems(): SpinSystemLibrary {
  if (!builtin) {
    builtin = SpinSystemLibrary.fromTexts(readSpinSystemTexts(builtinSpinSystemDir()));
    builtin.validate();
  }
  return builtin;
}

/** The built-in library plus the molecules of a user file or folder (same names replace built-ins). */
export function loadSpinSystems(extraPath?: string): SpinSystemLibrary {
  const base = builtinSpinSystems();
  return extraPath ? base.extend(readSpinSystemTexts(extraPath)) : base;
}
