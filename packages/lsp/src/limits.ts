/**
 * Where the server stops working on a document rather than let one file freeze the editor. Hover and the other
 * per-line features always work (they touch one line); whole-document features stop past these and say so once.
 */

/** Lines longer than this are not decoded or parsed (core's own nf_log limit is 64 KiB: no real line is longer). */
export const MAX_LINE_CHARS = 65_536;

/** Diagnostics and document symbols read every line: past this, skipped (a 100k-line log is about 25 MB). */
export const MAX_DOCUMENT_CHARS = 40 * 1024 * 1024;

/** Full-document semantic tokens: only this many lines (the range request serves the rest of a larger file). */
export const MAX_FULL_TOKEN_LINES = 20_000;

/** Diagnostics published per document; a flood of them costs the editor more than it tells the reader. */
export const MAX_DIAGNOSTICS = 5_000;

/** Lines marked per finding: a scanner's first lines say it; ten thousand squiggles do not say more. */
export const MAX_LINES_PER_FINDING = 200;

/** Document symbols (sources) listed for a log, busiest first. */
export const MAX_SYMBOLS = 1_000;
