// What the trajectory views share: the view base (each view owns its root element and the plot in it; the page shows
// one at a time).
export class View {
  constructor(root) { this.root = root; }
  /** The layout size: the element's own box, so a plot always fills exactly what the page gives its view. */
  size(node = this.plot || this.main) { return { width: Math.max(node.clientWidth, 100), height: Math.max(node.clientHeight, 100), autosize: false }; }
  show() { this.root.hidden = false; }
  hide() { this.root.hidden = true; }
  get visible() { return !this.root.hidden; }
}

