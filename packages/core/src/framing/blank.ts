import type { Frame, FrameFormat } from './types.js';

/**
 * Every frame is created with all keys in the same order, absent ones `undefined`, so that the hot path sees one
 * object shape whatever the envelope was.
 */
export function newFrame(format: FrameFormat, message: string, messageOffset: number): Frame {
  return {
    format,
    time: undefined,
    yearInferred: undefined,
    host: undefined,
    priority: undefined,
    program: undefined,
    uptime: undefined,
    message,
    messageOffset,
  };
}

/** Points `f.message` at `line` from `offset` on. */
export function setMessage(f: Frame, line: string, offset: number): Frame {
  f.message = offset === 0 ? line : line.slice(offset);
  f.messageOffset = offset;
  return f;
}
