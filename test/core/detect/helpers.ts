import type { DetectEvent } from '../../../packages/core/src/detect/event.js';

/** A blocked TCP SYN from a public scanner to this host, unless told otherwise. */
export function ev(over: Partial<DetectEvent> = {}): DetectEvent {
  return {
    time: 0,
    src: '203.0.114.7',
    dst: '198.51.101.10',
    in: 'eth0',
    proto: 'TCP',
    spt: 40000,
    dpt: 22,
    tcpFlags: ['SYN'],
    prefixAction: 'drop',
    ...over,
  };
}
