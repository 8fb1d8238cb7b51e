/**
 * One-line progress text for a long AWS read. The CLI decides where and whether to show it (stderr, TTY
 * only, not in CI); this only formats.
 */
import type { ActivityProgress } from '../../core/ports/activity-source.js';

/** Formats milliseconds as `45s`, `3m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * `lookup us-east-1: 12 pages, 583 events, ~1m 20s left` (or `objects 40/120, 5200 events, 900 events/s` for a
 * bucket read, which knows its elapsed time).
 * @param label what is being read, e.g. `lookup` or `s3://bucket`
 */
export function formatActivityProgress(label: string, p: ActivityProgress): string {
  const where = p.detail && label === 'lookup' ? ` ${p.detail}` : '';
  const units = p.totalPages !== undefined ? `objects ${p.pages}/${p.totalPages}` : `${p.pages} page${p.pages === 1 ? '' : 's'}`;
  const eta = p.etaMs !== undefined ? `, ~${formatDuration(p.etaMs)} left` : '';
  const rate = p.elapsedMs !== undefined && p.elapsedMs > 0 ? `, ${Math.round((p.events * 1000) / p.elapsedMs)} events/s` : '';
  return `${label}${where}: ${units}, ${p.events} event${p.events === 1 ? '' : 's'}${rate}${eta}`;
}
