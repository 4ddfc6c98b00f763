// What the content scanners say about a message, and the port the core calls
// them through. Nothing here knows SPAMC or clamd's framing: the clients
// (spamd-client.ts, clamd-client.ts) turn their daemons' answers into these.

export type ScannerName = 'spamassassin' | 'clamav';

/** spamd's verdict, as its `Spam:` line and `X-Spam-Status` header give it. */
export interface SpamVerdict {
  isSpam: boolean;
  score: number;
  required: number;
  /** the score exactly as spamd wrote it ("15.0"), for the X-Spam-Score header */
  scoreText: string;
  /** X-Spam-Status's value on one line: "Yes, score=15.0 required=5.0 tests=GTUBE,... autolearn=no ..." */
  status: string;
  /** the names of the rules that hit */
  tests: string[];
}

/** clamd's verdict on the whole message (it unpacks MIME parts and archives itself). */
export interface VirusVerdict {
  infected: boolean;
  /** the signature name clamd reports, e.g. "Eicar-Test-Signature"; null when clean */
  name: string | null;
}

/**
 * A scanner that is off, or a message bigger than what is sent to it, leaves
 * its half null: nothing was asked, nothing is claimed.
 */
export interface ScanVerdict {
  spam: SpamVerdict | null;
  virus: VirusVerdict | null;
}

export type LearnClass = 'spam' | 'ham';

/** spamd's answer to TELL: which databases it changed (empty: it knew this message already). */
export interface LearnAnswer {
  learned: boolean;
  didSet: string[];
  didRemove: string[];
}

export interface ScannerStatus {
  scanner: ScannerName;
  up: boolean;
  /** why it is down, for logs and /health */
  error?: string;
}

/**
 * The port the core uses. Failures are AppErrors: tempFail
 * 'scanner_unavailable' with details {scanner, reason} (scanner-failure.ts).
 */
export interface ContentScanner {
  /** which scanners are switched on */
  readonly enabled: readonly ScannerName[];
  /** both daemons at once; a virus found stops the spam check early */
  scan(raw: Buffer, signal?: AbortSignal): Promise<ScanVerdict>;
  /** PING to each enabled daemon; one that has not answered when `signal` aborts is down */
  probe(signal?: AbortSignal): Promise<ScannerStatus[]>;
  /** spamd TELL (Message-class, Set: local); null when SpamAssassin is off or the message is over its size cap */
  learn(raw: Buffer, as: LearnClass): Promise<LearnAnswer | null>;
}
