import { type Acquisition, describeSources } from '../core/acquisition.js';
import { describeShape, type MrsData, toFid, voxelCount } from '../core/mrs-data.js';

/** What an MRS file holds as a plain object (`livermrs info --json`). */
export function fileInfoJson(mrs: MrsData): Record<string, unknown> {
  const h = mrs.header;
  return {
    file: mrs.source.file,
    format: mrs.source.format,
    points: mrs.points,
    dwellTime: h.dwellTime,
    spectralWidth: 1 / h.dwellTime,
    spectrometerFrequency: h.spectrometerFrequency,
    nucleus: h.nucleus,
    ppmReference: h.ppmReference,
    echoTime: h.echoTime ?? null,
    repetitionTime: h.repetitionTime ?? null,
    voxels: mrs.spatial,
    dimensions: mrs.dims.map((d) => ({ tag: d.tag, size: d.size })),
    shape: describeShape(mrs),
    waterReference: mrs.reference
      ? { shape: describeShape(mrs.reference), dimensions: mrs.reference.dims }
      : null,
    acquisition: acquisitionWithSources(mrs),
    metadata: mrs.extension,
  };
}

/** The acquisition every analysis uses (core/acquisition.ts), with the source of each value. */
function acquisitionWithSources(mrs: MrsData): Partial<Acquisition> {
  const a = toFid(mrs, 0).acquisition ?? {};
  return {
    nucleus: a.nucleus,
    spectrometerFrequency: a.spectrometerFrequency,
    sequence: a.sequence,
    sequenceName: a.sequenceName,
    echoTime: a.echoTime,
    repetitionTime: a.repetitionTime,
    mixingTime: a.mixingTime,
    waterSuppressed: a.waterSuppressed,
    sources: a.sources,
  };
}

function ms(s: number | undefined): string {
  return s === undefined ? '-' : `${Number((s * 1000).toPrecision(6))} ms`;
}

/** What an MRS file holds as aligned text lines (`livermrs info`): header, dimensions, acquisition sources. */
export function fileInfoText(mrs: MrsData): string {
  const h = mrs.header;
  const e = mrs.extension;
  const dims = mrs.dims.length ? mrs.dims.map((d) => `${d.size} ${d.tag}`).join(' x ') : 'none (one FID)';
  const lines = [
    `file                    ${mrs.source.file}`,
    `format                  ${mrs.source.format}`,
    `points                  ${mrs.points}`,
    `dwell time              ${Number((h.dwellTime * 1e6).toPrecision(6))} us (spectral width ${Number((1 / h.dwellTime).toPrecision(6))} Hz)`,
    `spectrometer frequency  ${h.spectrometerFrequency} MHz (${h.nucleus})`,
    `ppm reference           ${h.ppmReference} ppm at the receiver centre`,
    `TE / TR                 ${ms(h.echoTime)} / ${ms(h.repetitionTime)}`,
    `voxels                  ${mrs.spatial.join(' x ')}${voxelCount(mrs) === 1 ? ' (single voxel)' : ''}`,
    `dimensions              ${dims}`,
  ];
  if (mrs.reference)
    lines.push(`water reference         ${describeShape(mrs.reference)} (stored in the same file)`);
  for (const k of ['Manufacturer', 'ManufacturersModelName', 'SequenceName', 'ProtocolName']) {
    if (typeof e[k] === 'string') lines.push(`${k.padEnd(24)}${e[k]}`);
  }
  // What the analyses take from the header, each value with the field it came from.
  const acq = acquisitionWithSources(mrs);
  const rows = describeSources(acq);
  if (acq.waterSuppressed === undefined) {
    rows.push(['waterSuppressed', 'not in the header (livermrs fit decides from the spectrum)']);
  }
  if (acq.sequence === undefined)
    rows.push(['sequence', 'not in the header (give --sequence to fit metabolites)']);
  lines.push('acquisition (value and source):');
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(22)}${v}`);
  if (Array.isArray(e.ProcessingApplied)) lines.push(`processing steps        ${e.ProcessingApplied.length}`);
  return `${lines.join('\n')}\n`;
}
