// Plain-text report of one suite: throughput per subject and task, then Tessera's tasks as
// ratios of each peer (above 1: Tessera is faster), with geometric means across subjects.

import type { Measurement } from './measure.ts';
import type { Suite, Task } from './task.ts';

export type Cell =
  | { readonly ok: true; readonly measurement: Measurement; readonly mbPerS: number; readonly note?: string }
  | { readonly ok: false; readonly error: string };

/** Results by subject name, then task name. */
export type Results = ReadonlyMap<string, ReadonlyMap<string, Cell>>;

/** 1 MB = 10^6 bytes throughout. */
export const MB = 1e6;

/** Columns separated by two spaces; the first (and any in `left`) left-aligned, the rest right. */
function table(rows: readonly (readonly string[])[], left: readonly number[] = []): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const cell = (text: string, c: number) =>
    (c === 0 || left.includes(c) ? text.padEnd(widths[c]) : text.padStart(widths[c]));
  return rows.map((r) => r.map(cell).join('  ').trimEnd()).join('\n');
}

export function formatRate(mbPerS: number): string {
  return mbPerS >= 100 ? mbPerS.toFixed(0) : mbPerS >= 10 ? mbPerS.toFixed(1) : mbPerS.toFixed(2);
}

export function formatRatio(ratio: number): string {
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}x`;
}

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

function rate(results: Results, subject: string, task: string): number | undefined {
  const cell = results.get(subject)?.get(task);
  return cell?.ok ? cell.mbPerS : undefined;
}

function ratioTable(suite: Suite, results: Results, ours: Task, peers: readonly Task[]): string {
  const rows: string[][] = [[`${ours.name} vs`, ...peers.map((p) => p.name)]];
  const perPeer: number[][] = peers.map(() => []);
  for (const subject of suite.subjects) {
    const mine = rate(results, subject.name, ours.name);
    rows.push([subject.name, ...peers.map((peer, i) => {
      const theirs = rate(results, subject.name, peer.name);
      if (mine === undefined || theirs === undefined) return '-';
      perPeer[i].push(mine / theirs);
      return formatRatio(mine / theirs);
    })]);
  }
  rows.push(['geomean', ...perPeer.map((r) => (r.length === 0 ? '-' : formatRatio(geometricMean(r))))]);
  return table(rows);
}

export function formatReport(suite: Suite, results: Results): string {
  const out: string[] = [];
  out.push(`== ${suite.title}`, '');
  out.push('Subjects:');
  out.push(table(suite.subjects.map((s) => [`  ${s.name}`, `${(s.bytes.length / MB).toFixed(2)} MB`, s.about ?? '']), [2]));
  out.push('', 'Tasks (what is timed):');
  for (const task of suite.tasks) out.push(`  ${task.name}: ${task.measures}`);
  if (suite.notes.length > 0) out.push('', 'Notes:', ...suite.notes.map((n) => `  ${n}`));

  out.push('', 'Throughput, MB/s (1 MB = 10^6 bytes of input; median of the timed runs):');
  const rows: string[][] = [['subject', 'MB', ...suite.tasks.map((t) => t.name)]];
  for (const subject of suite.subjects) {
    rows.push([subject.name, (subject.bytes.length / MB).toFixed(2), ...suite.tasks.map((t) => {
      const cell = results.get(subject.name)?.get(t.name);
      if (cell === undefined) return '-';
      return cell.ok ? formatRate(cell.mbPerS) + (cell.note !== undefined ? '*' : '') : 'error';
    })]);
  }
  out.push(table(rows));

  const ours = suite.tasks.filter((t) => t.ours);
  const peers = suite.tasks.filter((t) => !t.ours);
  if (ours.length > 0 && peers.length > 0) {
    out.push('', 'Ratios (Tessera MB/s / peer MB/s; above 1 means Tessera is faster):');
    for (const task of ours) out.push('', ratioTable(suite, results, task, peers));
    out.push('', 'Summary (geometric mean over subjects):');
    for (const task of ours) {
      const parts = peers.map((peer) => {
        const ratios = suite.subjects.flatMap((s) => {
          const a = rate(results, s.name, task.name);
          const b = rate(results, s.name, peer.name);
          return a !== undefined && b !== undefined ? [a / b] : [];
        });
        return ratios.length === 0 ? `- ${peer.name}` : `${formatRatio(geometricMean(ratios))} ${peer.name}`;
      });
      out.push(`  ${task.name}: ${parts.join(', ')}`);
    }
  }

  const remarks: string[] = [];
  for (const subject of suite.subjects) {
    for (const task of suite.tasks) {
      const cell = results.get(subject.name)?.get(task.name);
      if (cell === undefined) continue;
      if (!cell.ok) remarks.push(`  ${task.name} on ${subject.name}: error: ${cell.error}`);
      else if (cell.note !== undefined) remarks.push(`  ${task.name} on ${subject.name}: * ${cell.note}`);
    }
  }
  if (remarks.length > 0) out.push('', 'Errors and remarks:', ...remarks);
  return out.join('\n');
}
