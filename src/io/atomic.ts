import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { LivermrsError } from '../core/errors.js';

/**
 * Output that is never half-written: data goes to a temporary sibling and is renamed into place only when
 * complete, so a crash or Ctrl-C leaves either the old file or the new one, never a fragment.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new LivermrsError(`${path}: cannot write (${(err as Error).message})`, { cause: err });
  }
}

/**
 * An output directory filled as one transaction. Files are written into a hidden staging directory next to
 * the target; `commit()` moves each into the target (existing files of other names are kept, files of the
 * same name are replaced atomically); `abort()` removes the staging directory. Use `withOutputDir` to get
 * commit-on-success and abort-on-error automatically.
 */
export class OutputDir {
  readonly target: string;
  readonly staging: string;
  private done = false;

  constructor(target: string) {
    this.target = target;
    this.staging = join(dirname(target), `.${basename(target)}.staging-${randomBytes(4).toString('hex')}`);
    mkdirSync(this.staging, { recursive: true });
  }

  /** Path inside the staging directory for a relative output name. */
  path(name: string): string {
    const p = join(this.staging, name);
    mkdirSync(dirname(p), { recursive: true });
    return p;
  }

  write(name: string, data: string | Uint8Array): string {
    const p = this.path(name);
    writeFileSync(p, data);
    return join(this.target, name);
  }

  commit(): void {
    if (this.done) return;
    mkdirSync(this.target, { recursive: true });
    moveTree(this.staging, this.target);
    rmSync(this.staging, { recursive: true, force: true });
    this.done = true;
  }

  abort(): void {
    if (this.done) return;
    rmSync(this.staging, { recursive: true, force: true });
    this.done = true;
  }
}

function moveTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) {
      if (!existsSync(dst)) {
        renameSync(src, dst);
      } else {
        moveTree(src, dst);
      }
    } else {
      renameSync(src, dst);
    }
  }
}

/** Run `fn` with a staged output directory; commit if it succeeds, abort (leaving the target untouched) if not. */
export async function withOutputDir<T>(target: string, fn: (out: OutputDir) => Promise<T> | T): Promise<T> {
  const out = new OutputDir(target);
  const onSignal = () => {
    out.abort();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await fn(out);
    out.commit();
    return result;
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
