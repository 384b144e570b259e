import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { scrubText } from '../../src/io/nifti-mrs/anonymise.js';
import { EXTDATA } from '../paths.js';
import { captureStdio } from '../helpers/stdio.js';

/**
 * `convert --anon` on every real spectroscopy file of test/extdata (and, with --preprocess, on the pairs with
 * water references): no identifying value of the source survives anywhere in the output bytes, and the samples
 * are bit-identical to the same conversion without --anon. The identifying values are gathered here
 * independently of the implementation: the header keys that name a person, site, device, session or file; the
 * `key: value` lines of text headers (RDA, SPAR) that do; every DICOM-UID-like and date-like run of the raw
 * bytes; and the directories of the source paths.
 */
const io = captureStdio();
const tmp = mkdtempSync(join(tmpdir(), 'livermrs-anon-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const at = (...p: string[]) => join(EXTDATA, ...p);
const list = (dir: string, re: RegExp) =>
  readdirSync(at(dir))
    .filter((f) => re.test(f))
    .map((f) => at(dir, f));
const NEEDS_GRID = ['--sw', '4000', '--frequency', '123.2'];

const FILES: string[] = [
  ...list('siemens', /\.(rda|ima|dcm)$/i),
  ...list('ge', /\.7$/),
  ...list('philips', /\.sdat$/i),
  ...list('nifti_mrs_7T_steam_fmrib', /\.nii\.gz$/),
  ...list('lcmodel', /\.raw$/i),
  ...list('ismrm2016_fitting_challenge/datasets_LCModel', /\.(raw|h2o)$/i),
  ...list('ismrm2016_fitting_challenge/Cr_water_scaling_LCModel', /\.(raw|h2o)$/i),
  ...list('ismrm2016_fitting_challenge/datasets_JMRUI', /\.txt$/),
  ...list('ismrm2016_fitting_challenge/datasets_text', /\.txt$/),
];
/** [metabolite file, water reference] pairs for --preprocess --water. */
const WITH_WATER: [string, string][] = [
  [at('nifti_mrs_7T_steam_fmrib/metab_raw.nii.gz'), at('nifti_mrs_7T_steam_fmrib/wref_raw.nii.gz')],
  [at('philips/spant_philips_spar_sdat_WS.SDAT'), at('philips/spant_philips_spar_sdat_W.SDAT')],
  [at('philips/tarquin_svs_30_WS.SDAT'), at('philips/tarquin_svs_30_ref.SDAT')],
  [at('philips/tarquin_svs_135_WS.SDAT'), at('philips/tarquin_svs_135_ref.SDAT')],
  [at('lcmodel/tarquin_LCM_WS.RAW'), at('lcmodel/tarquin_LCM_W.RAW')],
  [
    at('ismrm2016_fitting_challenge/datasets_LCModel/dataset1.RAW'),
    at('ismrm2016_fitting_challenge/datasets_LCModel/dataset1.H2O'),
  ],
];

const grid = (f: string) => (/\.(raw|h2o|txt)$/i.test(f) ? NEEDS_GRID : []);

const IDENTIFYING_KEY =
  /^(Patient(Name|ID|DoB|Sex|Weight|Age|BirthDate|s?Name)?|Institution\w*|DeviceSerialNumber|StationName|ProtocolName|ManufacturersModelName|ConversionTime|OriginalFile|\w*UID|\w*Date|\w*DateTime|Study\w*|Series\w*|Operator\w*|\w*Physician\w*|ReceiveCoilName|PulseSequenceFile|IceProgramFile)$/i;
const TEXT_HEADER_KEY =
  /patient|institution|serial|station|uid|date|time|operator|physician|study|series|protocol|name|comment|id$/i;
const ACQUISITION_KEY = /echo|repetition|inversion|mixing|dwell|sample|frequency|nucleus|sequencename|flip/i;

/** Identifying values of a source file, gathered without the code under test. */
function identifyingValues(file: string): string[] {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) >= 1000) out.add(String(v));
    if (typeof v === 'string' && v.trim().length >= 4) out.add(v.trim());
    if (Array.isArray(v)) v.forEach(add);
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.values(v).forEach(add);
  };
  const ext = readMrsFile(
    file,
    /\.(raw|h2o|txt)$/i.test(file) ? { dwellTime: 1 / 4000, spectrometerFrequency: 123.2 } : {},
  ).extension;
  for (const [k, v] of Object.entries(ext)) {
    if (k === 'OriginalFile') continue; // file names are kept (scrubbed); their identifiers are checked below
    if (IDENTIFYING_KEY.test(k) || k.startsWith('private_')) add(v);
  }
  for (const name of (ext.OriginalFile as string[] | undefined) ?? []) {
    for (const m of name.match(/\d{5,}|\d+(\.\d+){3,}/g) ?? []) out.add(m);
  }
  const companions = [file, file.replace(/\.sdat$/i, '.SPAR')];
  for (const f of companions) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f);
    } catch {
      continue;
    }
    const text = bytes.toString('latin1');
    // `key: value` and `key : value` lines of text headers (RDA, SPAR, jMRUI).
    for (const m of text.slice(0, 200_000).matchAll(/^\s*([A-Za-z_][\w. ]*?)\s*[:=]\s*(.+?)\s*$/gm)) {
      if (TEXT_HEADER_KEY.test(m[1]) && !ACQUISITION_KEY.test(m[1])) add(m[2].replace(/^"|"$/g, ''));
    }
    // UIDs and dates anywhere in the raw bytes (DICOM, P-file headers).
    for (const m of text.match(/\d+(?:\.\d+){4,}/g) ?? []) out.add(m);
    for (const m of text.match(/(?<!\d)(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)/g) ?? [])
      out.add(m);
  }
  // Where the file lives (subject and session folders in real data).
  out.add(dirname(file));
  out.add(relative(process.cwd(), dirname(file)));
  return [...out];
}

/** Which identifying values occur in the bytes of the written files (raw and as JSON-escaped text). */
function leaks(outputs: string[], values: string[]): string[] {
  const text = outputs.map((f) => readFileSync(f).toString('latin1')).join('\n');
  return values.filter((v) => text.includes(v) || text.includes(JSON.stringify(v).slice(1, -1)));
}

async function convert(args: string[]): Promise<void> {
  io.err = '';
  const code = await runCli(['convert', ...args]);
  if (code !== 0) throw new Error(`convert ${args.join(' ')}: exit ${code}: ${io.err}`);
}

describe('convert --anon', () => {
  it('scrubs identifiers from free text and keeps what is not one', () => {
    expect(
      scrubText(
        'water reference /data/sub-4711/ses-20240312/1.3.12.2.1107.5.2.43.166003.2024031214.dcm, 16 of 16/16 kept at 14:32:05',
      ),
    ).toBe('water reference [removed].dcm, 16 of 16/16 kept at [removed]');
    expect(scrubText('shifts -1.272 to 0.61583 Hz; serial 166003; 20010101; 31.12.2024')).toBe(
      'shifts -1.272 to 0.61583 Hz; serial [removed]; [removed]; [removed]',
    );
  });

  it(`leaves no identifying value of the source in any of ${FILES.length} real files; samples bit-identical`, async () => {
    expect(FILES.length).toBeGreaterThan(100);
    const found: string[] = [];
    // The same search on the plain conversions finds the identifiers (the check can fail).
    const plainLeaks: string[] = [];
    for (const [i, file] of FILES.entries()) {
      const anon = join(tmp, `a${i}.nii`);
      const plain = join(tmp, `p${i}.nii`);
      await convert([file, ...grid(file), '--anon', '--out', anon]);
      await convert([file, ...grid(file), '--out', plain]);
      const values = identifyingValues(file);
      for (const v of leaks([anon], values)) found.push(`${basename(file)}: ${v}`);
      for (const v of leaks([plain], values)) plainLeaks.push(`${basename(file)}: ${v}`);
      const a = readMrsFile(anon);
      const p = readMrsFile(plain);
      expect(a.data, file).toEqual(p.data);
      expect(a.header, file).toEqual(p.header);
      expect(a.dims, file).toEqual(p.dims);
      expect(a.data.byteLength, file).toBe(
        readMrsFile(file, grid(file).length ? { dwellTime: 1 / 4000, spectrometerFrequency: 123.2 } : {}).data
          .byteLength,
      );
    }
    expect(found).toEqual([]);
    for (const v of [
      'tarquin_example.rda: PHANTOM^SPHERICAL^^Prof',
      'tarquin_example.rda: 14296',
      'tarquin_example.rda: Birmingham Childrens Hospital',
      'suspect_SVS_XA60.dcm: 20250116',
      'metab_raw.nii.gz: F7T_2019_005_003',
      'metab_raw.nii.gz: 18928.0',
      'tarquin_svs_30_WS.SDAT: CCLG phantom',
    ]) {
      expect(plainLeaks).toContain(v);
    }
  });

  it('with --preprocess --water: the provenance names files only, without identifiers; samples bit-identical', async () => {
    const found: string[] = [];
    for (const [i, [file, water]] of WITH_WATER.entries()) {
      const out = (s: string) => join(tmp, `w${i}-${s}.nii`);
      const common = [file, ...grid(file), '--preprocess', '--water', water];
      await convert([...common, '--anon', '--out', out('a'), '--ref-out', out('ar')]);
      await convert([...common, '--out', out('p'), '--ref-out', out('pr')]);
      const values = [...identifyingValues(file), ...identifyingValues(water)];
      for (const v of leaks([out('a'), out('ar')], values)) found.push(`${basename(file)}: ${v}`);
      // Without --anon the provenance holds the full paths (and the headers their identifiers).
      expect(leaks([out('p')], values).length, file).toBeGreaterThan(0);
      const a = readMrsFile(out('a'));
      expect(a.data, file).toEqual(readMrsFile(out('p')).data);
      expect(readMrsFile(out('ar')).data, water).toEqual(readMrsFile(out('pr')).data);
      const details = (a.extension.ProcessingApplied as { Details: string; Time?: string }[]).map(
        (s) => s.Details,
      );
      expect(details.join(' ')).toContain(`water reference ${basename(water)}`);
      expect((a.extension.ProcessingApplied as { Time?: string }[]).every((s) => s.Time === undefined)).toBe(
        true,
      );
    }
    expect(found).toEqual([]);
  });
});
