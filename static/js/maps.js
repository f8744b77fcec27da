// The map client: the only code that asks the server for maps (basin maps and sweeps), beside the run client. One
// WebSocket (/api/maps/ws) carries them one at a time; the server drops the one it computes when another message
// arrives. Each request names a slot (a lane's map: "basins:2"): a newer request for a slot takes the place of the one
// waiting for it, so a dragged slider queues nothing. The one in flight is waited for (its map is newer than the one
// drawn) unless nobody wants it any more (cancelled) or it was superseded and has run longer than REPLACE_AFTER.
const REPLACE_AFTER = 600; // ms
const URL_PATH = "/api/maps/ws";

export class MapClient {
  constructor() {
    this.queue = [];  // jobs waiting: {kind, body, slot, onProgress, resolve, reject}
    this.inflight = null;  // {job, id, at, superseded, cancelled}
    this.counter = 0;
    this.retry = 250;
    this.connect();
  }

  connect() {
    this.ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${URL_PATH}`);
    this.ws.onopen = () => { this.retry = 250; this.pump(); };
    this.ws.onmessage = (event) => this.onFrame(JSON.parse(event.data));
    this.ws.onclose = () => {
      const lost = this.inflight;
      this.inflight = null;
      if (lost && !lost.cancelled) this.queue.unshift(lost.job);  // asked again once connected
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 4000);
    };
  }

  /** A basin map (``kind`` "basins") or a sweep ("sweeps") of ``body`` (the POST body): resolves with the server's
   *  answer, or null when it is no longer wanted (a newer request for its slot, a cancel); rejects with an Error
   *  carrying the refusal's ``detail``. ``onProgress(done, total)`` while it computes. */
  request(kind, body, { slot = null, onProgress = null } = {}) {
    return new Promise((resolve, reject) => {
      if (slot !== null) {
        for (const job of this.queue.filter((j) => j.slot === slot)) this.drop(job);
        if (this.inflight?.job.slot === slot) this.inflight.superseded = true;
      }
      this.queue.push({ kind, body, slot, onProgress, resolve, reject });
      this.pump();
    });
  }

  /** Drop every request whose slot passes ``test`` (all by default): each resolves null; the server stops the one it
   *  computes. */
  cancel(test = () => true) {
    for (const job of this.queue.filter((j) => test(j.slot))) this.drop(job);
    const cur = this.inflight;
    if (cur && !cur.cancelled && test(cur.job.slot)) {
      cur.cancelled = true;
      cur.job.resolve(null);
      if (!this.queue.length && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ kind: "cancel" }));
    }
    this.pump();
  }

  drop(job) {
    this.queue.splice(this.queue.indexOf(job), 1);
    job.resolve(null);
  }

  pump() {
    clearTimeout(this.timer);
    if (!this.queue.length || this.ws.readyState !== WebSocket.OPEN) return;
    const cur = this.inflight;
    if (cur && !cur.cancelled) {
      const waited = performance.now() - cur.at;
      if (!cur.superseded || waited < REPLACE_AFTER) {
        if (cur.superseded) this.timer = setTimeout(() => this.pump(), REPLACE_AFTER - waited + 5);
        return;
      }
      cur.job.resolve(null);  // replaced on the server: its answer never comes
    }
    const job = this.queue.shift();
    const id = `m${++this.counter}`;
    this.inflight = { job, id, at: performance.now(), superseded: false, cancelled: false };
    this.ws.send(JSON.stringify({ ...job.body, kind: job.kind, id }));
  }

  onFrame(frame) {
    const cur = this.inflight;
    if (!cur || frame.id !== cur.id) return;  // a request replaced or cancelled before
    if (frame.type === "progress") {
      if (!cur.cancelled) cur.job.onProgress?.(frame.done, frame.total);
      return;
    }
    this.inflight = null;
    // (benchmarks/page.py: each map's time, sent to answered)
    performance.measure("slopes:map-request", { start: cur.at, end: performance.now() });
    if (!cur.cancelled) {
      if (frame.type === "result") cur.job.resolve(frame);
      else {
        const err = new Error(JSON.stringify(frame.detail));
        err.detail = frame.detail;
        cur.job.reject(err);
      }
    }
    this.pump();
  }
}
