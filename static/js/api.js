// Talking to the server: JSON GETs and POSTs, and the run stream (a WebSocket). runs.js is the only module that
// asks for runs; the others ask for what is not a run (surfaces, grids, maps, sweeps, the catalogue).
export async function getJSON(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status} ${url}`);
  return res.json();
}

/** POST ``body`` as JSON; resolves with the answer's JSON, or rejects with an Error carrying the 4xx ``detail``. */
export async function postJSON(url, body) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body) });
  const answer = await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(`${res.status} ${url}`);
    err.detail = answer?.detail;
    throw err;
  }
  return answer;
}

/**
 * A WebSocket to /api/runs/ws. send(request) replaces whatever is in flight; frames of
 * superseded requests are dropped here, so the page only ever sees the newest request.
 */
export class RunStream {
  constructor(onFrame, onConnection = () => {}) {
    this.onFrame = onFrame;
    this.onConnection = onConnection;
    this.counter = 0;
    this.latest = null;
    this.pending = null;
    this.retry = 250;
    this.connect();
  }

  connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/runs/ws`;
    this.ws = new WebSocket(url);
    this.ws.onopen = () => {
      this.retry = 250;
      // the request that waited goes first: onConnection may send a newer one, which must be the last the
      // server receives (a later message replaces the one in flight, and only the newest id's frames are read)
      const pending = this.pending;
      this.pending = null;
      if (pending) this.ws.send(pending);
      this.onConnection(true);
    };
    this.ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.id === this.latest) this.onFrame(frame);
    };
    this.ws.onclose = () => {
      this.onConnection(false);
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 4000);
    };
  }

  send(request) {
    this.latest = `r${++this.counter}`;
    const text = JSON.stringify({ ...request, id: this.latest });
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.pending = text;
    return this.latest;
  }
}
