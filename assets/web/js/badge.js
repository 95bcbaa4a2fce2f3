// What tells an agent on another tab or app how many conversations wait: the tab title
// ("(3) pilito-box"), the tab icon (the page's icon with a red count drawn on a canvas) and,
// where the browser has it, the installed app's badge (`navigator.setAppBadge`).

import { num } from "./i18n.js";

const TITLE = "pilito-box";
const ICON = "/icon.svg";
const SIZE = 64;

export class Badge {
  constructor() {
    this.count = 0;
    this.image = null;
    this.url = null;
  }

  /** Shows `count` waiting (0 puts title, icon and app badge back). */
  show(count) {
    if (count === this.count) return;
    this.count = count;
    document.title = count > 0 ? `(${num(count)}) ${TITLE}` : TITLE;
    this.drawIcon(count);
    if (count > 0) navigator.setAppBadge?.(count).catch(() => {});
    else navigator.clearAppBadge?.().catch(() => {});
  }

  link() {
    let link = document.querySelector("link[rel=icon]");
    if (!link) {
      link = document.createElement("link");
      link.rel = "icon";
      document.head.append(link);
    }
    return link;
  }

  async drawIcon(count) {
    const link = this.link();
    if (count === 0) {
      this.setHref(link, ICON, "image/svg+xml");
      return;
    }
    this.image ??= new Promise((resolve, reject) => {
      const img = new Image(SIZE, SIZE);
      img.onload = () => resolve(img);
      img.onerror = reject;
      img.src = ICON;
    });
    let img;
    try { img = await this.image; } catch { return; }
    if (count !== this.count) return;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = SIZE;
    const g = canvas.getContext("2d");
    g.drawImage(img, 0, 0, SIZE, SIZE);
    const r = 19;
    g.beginPath();
    g.arc(SIZE - r, r, r, 0, 2 * Math.PI);
    g.fillStyle = "#d93025";
    g.fill();
    g.lineWidth = 3;
    g.strokeStyle = "#fff";
    g.stroke();
    g.fillStyle = "#fff";
    g.font = "bold 26px system-ui, sans-serif";
    g.textAlign = "center";
    g.textBaseline = "middle";
    g.fillText(count > 9 ? "9+" : String(count), SIZE - r, r + 1);
    canvas.toBlob((blob) => {
      if (!blob || count !== this.count) return;
      this.setHref(link, URL.createObjectURL(blob), "image/png");
    }, "image/png");
  }

  setHref(link, href, type) {
    if (this.url && this.url !== href) URL.revokeObjectURL(this.url);
    this.url = href.startsWith("blob:") ? href : null;
    link.type = type;
    link.href = href;
  }

  /** Back to no count (signing out). */
  reset() {
    this.show(0);
  }
}
