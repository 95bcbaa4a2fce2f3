// A message's file, from `message_type`, `media_url` and `attachment`: images inline (a click
// opens them full size), voice notes and video playable in place, anything else a download chip
// with its name and size. `media_url` needs no token in the URL: the page's requests carry the
// sign-in cookie.

import { h, fill } from "./dom.js";
import { t, size } from "./i18n.js";

const KIND_WORDS = { image: "Photo", voice: "Voice message", video: "Video", share: "File" };

/** True for a message that carries (or should carry) a file. */
export const hasMedia = (m) => Boolean(m.media_url) || (m.message_type && m.message_type !== "text");

function kind(m) {
  const type = m.attachment?.content_type || "";
  if (m.message_type === "share" && /^image\/(png|jpe?g|gif|webp)$/.test(type)) return "image";
  return m.message_type || "share";
}

/** The element for a message's file (built once per message: the chat keeps it). */
export function mediaFor(m) {
  const name = m.attachment?.name || t(KIND_WORDS[m.message_type] || "File");
  if (!m.media_url) return h("span", { class: "file missing" }, t("{kind} (not kept by pilito-box)", { kind: t(KIND_WORDS[m.message_type] || "File") }));
  const missing = (el) => el.replaceWith(h("span", { class: "file missing" }, t("{name}: the file could not be loaded", { name })));
  switch (kind(m)) {
    case "image": {
      const img = h("img", { src: m.media_url, alt: m.content || name, loading: "lazy", decoding: "async" });
      const link = h("a", { class: "media image", href: m.media_url, title: t("Open full size"),
        onclick: (e) => { e.preventDefault(); viewImage(m.media_url, name); } }, img);
      img.addEventListener("error", () => missing(link));
      return link;
    }
    case "voice": {
      const audio = h("audio", { class: "media voice", controls: true, preload: "metadata", src: m.media_url, "aria-label": name });
      audio.addEventListener("error", () => missing(audio));
      return audio;
    }
    case "video": {
      const video = h("video", { class: "media video", controls: true, preload: "metadata", playsinline: true, src: m.media_url, "aria-label": name });
      video.addEventListener("error", () => missing(video));
      return video;
    }
    default:
      return fileChip(m.media_url, name, m.attachment?.size);
  }
}

/** A download chip: an icon, the file's name and its size. */
export function fileChip(href, name, bytes) {
  return h("a", { class: "file", href, download: name, title: t("Download") },
    h("img", { class: "icon", src: "/img/file.svg", alt: "" }),
    h("span", { class: "name", dir: "auto" }, name),
    bytes ? h("span", { class: "size" }, size(bytes)) : null);
}

let viewer = null;

/** Shows an image over the page, full size; a click or Escape closes it. */
export function viewImage(src, name) {
  if (!viewer) {
    viewer = h("dialog", { class: "viewer", id: "image-viewer", "aria-label": t("Photo") });
    viewer.addEventListener("click", (e) => { if (!e.target.closest("a")) viewer.close(); });
    document.body.append(viewer);
  }
  fill(viewer,
    h("img", { src, alt: name }),
    h("div", { class: "bar" },
      h("a", { href: src, download: name }, t("Download")),
      h("button", { type: "button", autofocus: true }, t("Close"))));
  viewer.showModal();
}
