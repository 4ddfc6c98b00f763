// A small mailbox in five languages and the ids each query must find: shared
// by the SQLite FTS5 and the PostgreSQL tests, which must agree exactly.
import type { SearchableMessage } from '../../../src/mail/search/search-document.js';

export interface CorpusMessage extends SearchableMessage {
  id: number;
}

const msg = (
  id: number, subject: string, from: [string, string], bodyText: string,
  more: { to?: Array<{ name?: string; address: string }>; attachments?: string[] } = {},
): CorpusMessage => ({
  id, subject, fromName: from[0], fromEmail: from[1], bodyText,
  to: more.to ?? [{ name: 'Bob Bauer', address: 'bob@example.test' }],
  attachmentNames: more.attachments ?? [],
});

export const CORPUS: CorpusMessage[] = [
  msg(1, 'Quarterly invoice', ['Accounts', 'billing@shop.test'], 'Your invoice for November is attached.', { attachments: ['invoice-2024-11.pdf'] }),
  msg(2, 'Lunch', ['Fred Friend', 'fred@remote.test'], 'Shall we discuss the invoice over lunch? Big news too.'),
  msg(3, 'Big news', ['Ann Lee', 'ann@lee.test'], 'The news is in: we won the tender.', { to: [{ name: 'Team', address: 'team@example.test' }] }),
  msg(4, 'Weekly report', ['Carol', 'carol@example.test'], 'News of a big day at the plant.'),
  msg(5, 'Rechnung für März', ['Jürgen Müller', 'j.mueller@beispiel.de'], 'Sehr geehrte Damen und Herren, anbei die Rechnung. Grüße aus der Hauptstraße.'),
  msg(6, 'Счёт за услуги', ['Иван Петров', 'ivan@primer.ru'], 'Добрый день! Высылаю счёт за октябрь. Ёлка уже стоит.'),
  msg(7, '会議の議事録', ['田中', 'tanaka@rei.jp'], '東京都で会議を行いました。次回は大阪です。'),
  msg(8, '项目进度报告', ['王伟', 'wang@lizi.cn'], '我们在北京开会。项目进展顺利。'),
  msg(9, '京都旅行', ['佐藤', 'sato@rei.jp'], '来週、京都に行きます。'),
  msg(10, '회의 일정', ['김민수', 'kim@yeshi.kr'], '다음 주 회의는 서울에서 합니다.'),
  msg(11, 'Quarter', ['Stats', 'stats@remote.test'], 'Growth was 100% this quarter; file_name stays.'),
  msg(12, 'Plain', ['Stats', 'stats@remote.test'], 'Growth was 1000 this quarter; fileXname stays.'),
];

/** query -> the ids it finds; `ranked: true` when the order (best first) is part of the expectation. */
export const QUERY_TABLE: Array<{ q: string; ids: number[]; ranked?: boolean; why: string }> = [
  { q: 'invoice', ids: [1, 2], ranked: true, why: 'subject, body and attachment name rank above body alone' },
  { q: 'news', ids: [3, 2, 4], why: 'any field' },
  { q: 'big news', ids: [2, 3, 4], why: 'words: all must match, anywhere, any order' },
  { q: '"big news"', ids: [2, 3], why: 'phrase: adjacent and in order (4 has "big day" and "News")' },
  { q: '"news big"', ids: [], why: 'phrase order matters' },
  { q: 'from:ann', ids: [3], why: 'sender name' },
  { q: 'from:billing@shop.test', ids: [1], why: 'sender address as a phrase of its parts' },
  { q: 'from:"Fred Friend"', ids: [2], why: 'quoted operator value' },
  { q: 'from:news', ids: [], why: 'from: looks only at the sender' },
  { q: 'to:team', ids: [3], why: 'recipient name' },
  { q: 'to:bob@example.test invoice', ids: [1, 2], why: 'recipient address and a word' },
  { q: 'subject:news', ids: [3], why: 'subject only' },
  { q: 'invoice -lunch', ids: [1], why: 'negation' },
  { q: '-"big news" news', ids: [4], why: 'negated phrase' },
  { q: 'pdf', ids: [1], why: 'attachment file name' },
  { q: 'invoice-2024-11', ids: [1], why: 'punctuation inside a word makes a phrase of its parts' },
  { q: 'invoi*', ids: [1, 2], why: 'prefix' },
  { q: 'rech*', ids: [5], why: 'prefix, German' },
  { q: 'rechnung', ids: [5], why: 'German word, any case' },
  { q: 'grüße', ids: [5], why: 'umlaut as typed' },
  { q: 'grusse', ids: [5], why: 'umlaut folded (ü = u, ß = ss)' },
  { q: 'hauptstrasse', ids: [5], why: 'ß = ss' },
  { q: 'from:muller', ids: [5], why: 'Müller = muller in the sender' },
  { q: 'märz', ids: [5], why: 'subject with umlaut' },
  { q: 'счёт', ids: [6], why: 'Russian with ё' },
  { q: 'счет', ids: [6], why: 'ё typed as е' },
  { q: 'ОКТЯБРЬ', ids: [6], why: 'Cyrillic case folding' },
  { q: 'from:петров', ids: [6], why: 'Cyrillic sender name' },
  { q: '東京', ids: [7], why: 'Japanese two-character word inside a run' },
  { q: '会議', ids: [7], why: 'Japanese word in subject and body' },
  { q: '大阪', ids: [7], why: 'word before a sentence end' },
  { q: '"東京都で会議"', ids: [7], why: 'Japanese phrase' },
  { q: '京都', ids: [7, 9], why: 'bigrams find 京都 inside 東京都 too (substring semantics of CJK search)' },
  { q: 'subject:京都', ids: [9], why: 'subject only' },
  { q: '京', ids: [7, 8, 9], why: 'one character: starts a bigram (東京都, 京都) or ends a run (北京)' },
  { q: '阪', ids: [7], why: 'one character at the end of a run' },
  { q: '北京', ids: [8], why: 'Chinese word' },
  { q: '项目 进展', ids: [8], why: 'two Chinese words' },
  { q: '"进展项目"', ids: [], why: 'a phrase in the wrong order' },
  { q: '회의', ids: [10], why: 'Korean' },
  { q: '서울에서', ids: [10], why: 'Korean word with its particle' },
  { q: '100%', ids: [11], why: '% is not a wildcard' },
  { q: 'file_name', ids: [11], why: '_ is not a wildcard' },
  { q: 'invoice rechnung', ids: [], why: 'all words must match one message' },
  { q: 'NEAR', ids: [], why: 'FTS operators are words' },
  { q: 'invoice OR lunch', ids: [], why: 'OR is a word, not an operator' },
  { q: '"unbalanced', ids: [], why: 'an unclosed quote runs to the end' },
  { q: 'lunch)', ids: [2], why: 'parentheses are punctuation' },
];
