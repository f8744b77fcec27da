// The legend bar over the trajectory views: a swatch and the label of each lane (rebuilt only when it changes).
export class Legend {
  constructor({ root }) { this.root = root; }

  render(lanes) {
    const key = JSON.stringify(lanes.map((l) => [l.label, l.color, l.dash, l.status]));
    if (key === this.key && this.root.childElementCount === lanes.length) return;
    this.key = key;
    this.root.replaceChildren(...lanes.map((lane) => {
      const item = document.createElement("span");
      item.style.setProperty("--lane", lane.color);
      const swatch = document.createElement("i");
      if (lane.dash !== "solid") swatch.className = lane.dash;
      item.append(swatch, lane.label);
      if (lane.status === "diverged") item.classList.add("diverged");
      return item;
    }));
  }

  set hidden(on) { this.root.hidden = on; }
}
