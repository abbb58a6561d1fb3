/**
 * One status line on stderr while a command waits: rewritten in place on a terminal, written as a new
 * line only when it changes elsewhere (a CI log gets one line per change, not one per poll).
 */

/** The writable end a progress line goes to (process.stderr). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** A status line that `update` replaces and `done` ends. */
export class ProgressLine {
  readonly #stream: ProgressStream;
  #last = '';
  #open = false;

  constructor(stream: ProgressStream) {
    this.#stream = stream;
  }

  /** Shows `text`; `key` (default the text) says whether it changed enough to log a new line off a terminal. */
  update(text: string, key = text): void {
    if (this.#stream.isTTY) {
      this.#stream.write(`\r\x1b[K${text}`);
      this.#open = true;
    } else if (key !== this.#last) {
      this.#stream.write(`${text}\n`);
    }
    this.#last = key;
  }

  /** Ends the line (a newline on a terminal) so what follows starts on its own line. */
  done(): void {
    if (this.#open) this.#stream.write('\n');
    this.#open = false;
  }
}
