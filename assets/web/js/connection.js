// One WebSocket per feed per tab, with the reconnect rules of PROTOCOL.md in one place:
// - usable only after `connection_established` (or the feed's own first frame, `ready`: the
//   setup checklist's feed opens with `wizard_status`);
// - never reconnects after close 4001 or an `authentication_error` (onAuthError decides what next);
// - otherwise reconnects with jittered backoff, about 1 s doubling to 30 s, without an attempt
//   cap while the tab is visible (a hidden tab waits until it is shown again);
// - does not reconnect after a normal close (1000: logout, conversation deleted) or 1009;
// - after each failed attempt tells `onDropped`, so a feed can ask whether what it shows still
//   exists (a browser sees a refused handshake, e.g. 404 for an unknown conversation, as 1006);
// - the token travels as the `bearer.<token>` subprotocol, so it stays out of URLs and logs.

/** Connection states, in the order a healthy socket goes through them. */
export const State = Object.freeze({
  IDLE: "idle", CONNECTING: "connecting", CONNECTED: "connected",
  RECONNECTING: "reconnecting", AUTH_FAILED: "auth-failed", BLOCKED: "blocked", CLOSED: "closed",
});

const FIRST_DELAY = 1000;
const MAX_DELAY = 30000;
const NO_RECONNECT = new Set([1000, 1009, 4001]);

/** The delay before reconnect attempt `n` (1-based): half fixed, half random. */
export function backoff(n) {
  const base = Math.min(FIRST_DELAY * 2 ** (n - 1), MAX_DELAY);
  return base / 2 + Math.random() * (base / 2);
}

export class Feed {
  /**
   * @param {string} path e.g. "/ws/conversations/"
   * @param {{token: () => string|null, onFrame: (frame: object) => void,
   *          onState?: (state: string) => void, onAuthError?: (code: string, reason?: string) => void,
   *          onDropped?: (code: number) => void, ready?: string}} hooks
   */
  constructor(path, hooks) {
    this.path = path;
    this.hooks = hooks;
    this.state = State.IDLE;
    this.socket = null;
    this.timer = null;
    this.attempts = 0;
    this.everConnected = false;
    this.stopped = false;
    this.ready = hooks.ready || "connection_established";
    this.onVisible = () => {
      if (!document.hidden && this.state === State.RECONNECTING && !this.timer) this.open();
    };
    document.addEventListener("visibilitychange", this.onVisible);
  }

  /** Opens the socket unless one is already open, opening, or scheduled. */
  connect() {
    this.stopped = false;
    if (this.socket || this.timer) return;
    this.open();
  }

  /** Sends a frame; false (nothing sent) unless the feed is connected. */
  send(frame) {
    if (this.state !== State.CONNECTED || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Closes for good: no reconnect. */
  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    document.removeEventListener("visibilitychange", this.onVisible);
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "Client disconnect");
    this.setState(State.CLOSED);
  }

  /** Stops trying until `restart`: the server refuses this computer for now. */
  pause() {
    clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "Client pause");
    this.stopped = true;
    this.setState(State.BLOCKED);
  }

  /** Closes and opens again at once (after a token refresh, or when unblocked). */
  restart() {
    const socket = this.socket;
    this.socket = null;
    clearTimeout(this.timer);
    this.timer = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "Client restart");
    this.stopped = false;
    this.attempts = 0;
    this.open();
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.hooks.onState?.(state);
  }

  open() {
    this.timer = null;
    const token = this.hooks.token();
    if (!token) {
      this.setState(State.AUTH_FAILED);
      this.hooks.onAuthError?.("AUTH_REQUIRED");
      return;
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${this.path}`, [`bearer.${token}`]);
    this.socket = socket;
    this.setState(this.everConnected ? State.RECONNECTING : State.CONNECTING);
    socket.onmessage = (event) => this.receive(socket, event);
    socket.onclose = (event) => this.closed(socket, event);
  }

  receive(socket, event) {
    if (socket !== this.socket) return;
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    if (frame.type === this.ready) {
      this.attempts = 0;
      this.everConnected = true;
      this.setState(State.CONNECTED);
    } else if (frame.type === "authentication_error") {
      this.stopped = true;
      this.setState(State.AUTH_FAILED);
      this.hooks.onAuthError?.(frame.error_code, frame.reason);
      return;
    }
    this.hooks.onFrame(frame);
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    if (event.code === 4001) {
      if (this.state !== State.AUTH_FAILED) {
        this.setState(State.AUTH_FAILED);
        this.hooks.onAuthError?.("AUTH_REQUIRED");
      }
      return;
    }
    if (this.stopped || NO_RECONNECT.has(event.code)) {
      this.setState(State.CLOSED);
      this.hooks.onFrame({ type: "closed", code: event.code });
      return;
    }
    this.setState(State.RECONNECTING);
    this.attempts += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (document.hidden) return;
      this.open();
    }, backoff(this.attempts));
    this.hooks.onDropped?.(event.code);
  }

  /** Tries at once instead of waiting out the backoff ("Reconnect now"). */
  retryNow() {
    if (this.state !== State.RECONNECTING || this.stopped || !this.timer) return;
    clearTimeout(this.timer);
    this.open();
  }
}
