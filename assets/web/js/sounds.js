// The sounds a new customer message plays, synthesised with Web Audio (no files to fetch). A
// browser lets a page make sound only after the person has used it, so the audio context is
// made (or resumed) on the first click or key press, and every later sound plays at once.

/** The sound names the server knows (PROTOCOL §10.2), besides "off". */
export const SOUNDS = ["chime", "bell", "pop"];

/** Each sound as notes: [frequency Hz, start s, length s, wave, peak gain]. */
const NOTES = {
  chime: [[880, 0, 0.35, "sine", 0.25], [1318.5, 0.12, 0.5, "sine", 0.2]],
  bell: [[659.3, 0, 1.1, "triangle", 0.3], [1318.5, 0, 0.7, "sine", 0.08], [1975.5, 0, 0.4, "sine", 0.04]],
  pop: [[520, 0, 0.09, "sine", 0.35, 1040]],
};

export class Sounds {
  constructor() {
    this.ctx = null;
    this.unlock = () => this.ready();
    document.addEventListener("pointerdown", this.unlock, true);
    document.addEventListener("keydown", this.unlock, true);
  }

  /** The audio context, made or resumed (inside a click or key press this unlocks it). */
  ready() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    this.ctx ??= new Context();
    if (this.ctx.state === "suspended") this.ctx.resume().catch(() => {});
    return this.ctx;
  }

  /** Plays `name` (nothing for "off" or an unknown name). */
  play(name) {
    const notes = NOTES[name];
    const ctx = notes && this.ready();
    if (!ctx) return false;
    const now = ctx.currentTime + 0.01;
    for (const [freq, start, length, wave, peak, glide] of notes) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = wave;
      osc.frequency.setValueAtTime(freq, now + start);
      if (glide) osc.frequency.exponentialRampToValueAtTime(glide, now + start + length);
      gain.gain.setValueAtTime(0.0001, now + start);
      gain.gain.exponentialRampToValueAtTime(peak, now + start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + start + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + start);
      osc.stop(now + start + length + 0.05);
    }
    return true;
  }
}
