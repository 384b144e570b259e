import { InputError } from '../core/errors.js';
import { type ParsedMolecule, parseSpinSystem } from './spin-system-schema.js';
import type { Fragment, Molecule } from './spin-system.js';

/**
 * A set of molecules by name, with `include` fragments resolved (e.g. Cr = 0.5 CrOnly + 0.5 PCr). Built from
 * spin-system texts, so it runs anywhere; library-files.ts reads the bundled data/spin-systems folder in Node.
 */
export class SpinSystemLibrary {
  private readonly parsed = new Map<string, ParsedMolecule>();
  private readonly resolved = new Map<string, Molecule>();

  /** Parses each text (YAML) and adds it; a later entry with the same name replaces an earlier one. */
  static fromTexts(entries: { file: string; text: string }[]): SpinSystemLibrary {
    const lib = new SpinSystemLibrary();
    for (const e of entries) lib.add(parseSpinSystem(e.text, e.file));
    return lib;
  }

  /** A copy of this library with more (or replacing) molecules. */
  extend(entries: { file: string; text: string }[]): SpinSystemLibrary {
    const lib = new SpinSystemLibrary();
    for (const p of this.parsed.values()) lib.add(p);
    for (const e of entries) lib.add(parseSpinSystem(e.text, e.file));
    lib.validate();
    return lib;
  }

  add(molecule: ParsedMolecule): void {
    this.parsed.set(molecule.name, molecule);
    this.resolved.clear();
  }

  names(): string[] {
    return [...this.parsed.keys()].sort();
  }

  has(name: string): boolean {
    return this.parsed.has(name);
  }

  /** Resolves every molecule once, so a bad include is reported when the library is loaded. */
  validate(): void {
    for (const name of this.parsed.keys()) this.get(name);
  }

  /** The molecule with its includes expanded into fragments (scales multiplied). */
  get(name: string): Molecule {
    const done = this.resolved.get(name);
    if (done) return done;
    const molecule = this.resolve(name, []);
    this.resolved.set(name, molecule);
    return molecule;
  }

  private resolve(name: string, stack: string[]): Molecule {
    const p = this.parsed.get(name);
    if (!p) {
      const from = stack.length ? this.parsed.get(stack[stack.length - 1]) : undefined;
      throw new InputError(`unknown molecule '${name}'`, {
        file: from?.file,
        field: from ? 'fragments.include' : undefined,
        expected: `one of ${this.names().join(', ')}`,
      });
    }
    if (stack.includes(name)) {
      throw new InputError(`include cycle ${[...stack, name].join(' -> ')}`, {
        file: p.file,
        field: 'fragments',
      });
    }
    const fragments: Fragment[] = [];
    for (const part of p.parts) {
      if (part.kind === 'fragment') {
        fragments.push(part.fragment);
      } else {
        const inner = this.resolve(part.molecule, [...stack, name]);
        for (const f of inner.fragments) {
          fragments.push({ ...f, label: `${inner.name}/${f.label}`, scale: f.scale * part.scale });
        }
      }
    }
    return {
      name: p.name,
      fullName: p.fullName,
      group: p.group,
      source: p.source,
      notes: p.notes,
      fragments,
      file: p.file,
    };
  }
}
