// A live list kept by a list socket (/ws/conversations/, /ws/customers/): the filters it asks
// for, the search box, the filter menus (filled from the socket's options frame), the pager,
// and only the pages that answer the filters in force. A page says which socket and frame
// types, and draws the rows.

import { openFeed, closeFeed } from "./feeds.js";
import { FilterMenu } from "./menus.js";
import { h, fill } from "./dom.js";

const PAGE_SIZE = 25;
const SEARCH_DELAY = 300;
/** Menus older than this are asked for again with the next list the server pushes. */
const OPTIONS_EVERY = 10000;

/** JSON with sorted keys, to compare filter objects whatever their key order. */
function canonical(obj) {
  return JSON.stringify(Object.keys(obj || {}).sort().map((k) => [k, obj[k]]));
}

export class LiveList {
  /**
   * @param {{path: string, filter: string, list: string, askOptions: string, options: string,
   *          previous: string, next: string, summary: (pagination: object) => string,
   *          onPage: (frame: object) => void, onFrame?: (frame: object) => void}} spec
   *   `filter`/`list` are the page request and frame types, `askOptions`/`options` the menus'.
   */
  constructor(spec) {
    this.spec = spec;
    this.filters = { page: 1, page_size: PAGE_SIZE };
    this.menus = [];
    this.optionsPending = false;
    this.optionsAt = 0;
    this.pager = h("div", { class: "pager" });
    this.feed = openFeed(spec.path, (frame) => this.frame(frame));
  }

  /** A search box that filters on `search` once typing pauses. */
  search(attrs) {
    const input = h("input", { type: "search", ...attrs });
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.apply({ search: input.value.trim() || undefined }), SEARCH_DELAY);
    });
    return input;
  }

  /** A filter menu on `key` (see FilterMenu for `spec`); asks for fresh entries when focused. */
  menu(key, spec) {
    const menu = new FilterMenu(spec, (value) => this.apply({ [key]: value }));
    menu.el.addEventListener("focus", () => this.askOptions());
    this.menus.push(menu);
    return menu.el;
  }

  /** A checkbox that filters on `key` while ticked. */
  toggle(key, attrs) {
    const box = h("input", { type: "checkbox", ...attrs });
    box.addEventListener("change", () => this.apply({ [key]: box.checked || undefined }));
    return box;
  }

  /** Changes the filters (back to page 1 unless a page is given) and asks for that page. */
  apply(change) {
    this.filters = { ...this.filters, ...change, page: change.page ?? 1 };
    for (const [k, v] of Object.entries(this.filters)) if (v === undefined) delete this.filters[k];
    this.request();
  }

  request() {
    this.feed.send({ type: this.spec.filter, filters: this.filters });
  }

  askOptions() {
    if (this.optionsPending) return;
    this.optionsPending = this.feed.send({ type: this.spec.askOptions });
    if (this.optionsPending) this.optionsAt = Date.now();
  }

  frame(frame) {
    switch (frame.type) {
      case "connection_established":
        this.optionsPending = false;
        this.request();
        this.askOptions();
        break;
      case this.spec.list:
        if (canonical(frame.filters) !== canonical(this.filters)) break;
        this.spec.onPage(frame);
        this.drawPager(frame.pagination);
        if (Date.now() - this.optionsAt > OPTIONS_EVERY) this.askOptions();
        break;
      case this.spec.options:
        this.optionsPending = false;
        for (const menu of this.menus) menu.fill(frame.options);
        break;
      case "error":
        this.optionsPending = false;
        this.spec.onFrame?.(frame);
        break;
      default:
        this.spec.onFrame?.(frame);
        break;
    }
  }

  drawPager(pagination) {
    const { page, has_next: next, has_previous: previous } = pagination;
    fill(this.pager,
      h("button", { type: "button", class: "previous", disabled: !previous, onclick: () => this.apply({ page: page - 1 }) }, this.spec.previous),
      h("span", { class: "muted" }, this.spec.summary(pagination)),
      h("button", { type: "button", class: "next", disabled: !next, onclick: () => this.apply({ page: page + 1 }) }, this.spec.next));
  }

  destroy() {
    closeFeed(this.feed);
  }
}
