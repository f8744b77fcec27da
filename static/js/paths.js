// The paths at step k: what every playback draws (the page's views and its embed, the offline export's player, the
// video and the GIF). At step k each lane is drawn from its start up to its point k (a lane with fewer points, one
// that diverged, is drawn whole once k passes its end); nothing of what comes later is drawn. The playback's end is
// the last step of the longest lane, N of "N / N", and the playback clock stops there exactly.
// No imports: the offline export inlines this file before its player (app/services/exporting.py).

/** The last step of any lane: the end of the playback (N of "N / N"). */
export function lastStep(lanes) {
  let last = 0;
  for (const lane of lanes) last = Math.max(last, (lane.points?.length || 1) - 1);
  return last;
}

/** The index of the point lane ``lane`` shows at step ``k`` (its last one once ``k`` is past its end). */
export function laneStep(lane, k) {
  return Math.max(0, Math.min(Math.floor(k), lane.points.length - 1));
}

/** A lane's points 0..k as columns ``{x, y}`` (what Plotly draws); ``k`` = Infinity: the whole path. */
export function pathUpTo(points, k = Infinity) {
  const n = Math.max(0, Math.min(Math.floor(k) + 1, points.length));
  const x = new Array(n), y = new Array(n);
  for (let i = 0; i < n; i++) { x[i] = points[i][0]; y[i] = points[i][1]; }
  return { x, y };
}

/** A path as SVG path data in pixels (``toPixel(point)`` -> [u, v]) and where each step ends in it (``ends[k]``: the
 *  length of the data up to point k): the path at step k is ``d.slice(0, ends[k])``. Points closer than half a pixel
 *  to the last one drawn add nothing the eye can see (a slow crawl along a valley is hundreds of them); the last point
 *  is always drawn; points far outside are kept to small numbers. */
export function svgPath(points, toPixel) {
  const clamp = (v) => (v > 1e5 ? 1e5 : v < -1e5 ? -1e5 : v);
  const ends = new Int32Array(points.length);
  let d = "";
  let px = NaN, py = NaN;
  const last = points.length - 1;
  for (let k = 0; k <= last; k++) {
    const [a, b] = toPixel(points[k]);
    const u = clamp(a), v = clamp(b);
    if (!(k && k < last && Math.abs(u - px) < 0.5 && Math.abs(v - py) < 0.5)) {
      d += `${k ? "L" : "M"}${u.toFixed(1)},${v.toFixed(1)}`;
      px = u; py = v;
    }
    ends[k] = d.length;
  }
  return { d, ends };
}

/** Whether step ``k`` hides part of a path (playback before its end). */
export function partial(k, last) {
  return k < last;
}

/** The playback clock: the cursor ``seconds`` after ``position`` at ``speed`` steps a second. At the end it is N
 *  exactly (``ended``), or starts over at 0 with ``loop`` (also while ``last`` is still 0: an embed's autoplay may start
 *  before its stage has drawn the runs, and keeps going once it has). */
export function advance(position, seconds, speed, last, loop = false) {
  const next = position + Math.max(0, seconds) * speed;
  if (next < last) return { position: next, step: Math.floor(next), ended: false };
  if (loop) return { position: 0, step: 0, ended: false };
  return { position: last, step: last, ended: true };
}

/** The steps ``frames`` frames of a video or GIF show: 0 first, N last, evenly spaced (each step once at most). */
export function frameSteps(last, frames) {
  const count = Math.max(1, Math.min(frames, last + 1));
  if (count === 1) return [last];
  const out = [];
  for (let f = 0; f < count; f++) out.push(Math.round((f * last) / (count - 1)));
  return out;
}
