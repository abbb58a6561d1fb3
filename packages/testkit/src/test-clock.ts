/** A clock tests move by hand, passed where a library takes `clock` or `now`. */
export class TestClock {
  #ms: number;
  /** Starts at `start` (an ISO date or epoch ms). */
  constructor(start: string | number = '2025-03-01T12:00:00.000Z') {
    this.#ms = typeof start === 'number' ? start : Date.parse(start);
  }
  /** The current time (bind-free, to pass as `clock`). */
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}
