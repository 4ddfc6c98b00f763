// The baseline ChitBox is measured against: the least a Node mail server can do
// and still take mail seriously. It parses every message fully with the same
// parser ChitBox uses, throws the result away and replies 250. No storage, no
// auth, no recipient checks.
//
// Run: node --import tsx scripts/bench/baseline-server.ts
// Env: BASELINE_PORT (0 = any). Prints "baseline ready <port>" when listening.
import { serveBench } from './bench-smtp-server.js';

serveBench({ name: 'baseline', keepRaw: false, store: () => undefined });
