export * from './i18n/text.js';
export * from './framing/types.js';
export * from './nflog/types.js';
export * from './net/geo.js';
export * from './net/address-class.js';
export * from './net/protocols.js';
export * from './net/community-id.js';
export * from './net/tcp-flags.js';
