// Talking to the server: JSON GETs and the run stream (WebSocket, with POST as a fallback).
export async function getJSON(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status} ${url}`);
  return res.json();
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
