/*
 * DXまなびナビ: Japanese search for Material for MkDocs.
 *
 * A search worker that wraps Material's own (Material supports replacing the
 * worker through the `search` entry of its page config; overrides/main.html
 * points it here and passes Material's worker as `?material=`). Material's
 * worker still builds the lunr index, runs the query and returns the results
 * the page renders; this file only changes what is indexed and what is asked.
 *
 * Why: with `lang: ja`, Material splits indexed text into words with
 * TinySegmenter but sends a kana or katakana query to lunr whole, so the whole
 * name データ活用 (indexed as データ + 活用) or ネットワーク・インフラ finds
 * nothing, and a part of a word (北区 in 北区役所) depends on where the
 * segmenter happened to cut (a known limit: squidfunk/mkdocs-material#2270).
 * A build-time tokenizer (e.g. a MeCab dictionary) would fix the index but
 * not the query, which the browser has to cut the same way; pairs need no
 * dictionary on either side.
 *
 * How: every run of Japanese text (kana, kanji, ー) in a document's title and
 * text is also indexed, in two extra fields, as its overlapping character
 * pairs (bigrams); a Japanese word in the query becomes the pairs it is made
 * of, all required. A page is thus found by its whole name, any part of it
 * of two or more characters, or any word of its text, with no dictionary and
 * no build-time tokenizer. A one-character query matches every pair that
 * starts with it (the last character of a run is indexed as a pair with an
 * empty second half, so 所 finds 北区役所). Other words (DX, Excel, URLs)
 * are required prefixes, as in Material. Text is NFKC-normalized and
 * lower-cased on both sides (全角 ＤＸ = DX, half-width katakana = katakana);
 * the middle dot is ignored, so ネットワークインフラ finds ネットワーク・インフラ.
 *
 * A pair is written as "北_区" rather than "北区": Material splits any run of
 * kanji in the query against the words of its index before lunr sees it
 * ("experimental Chinese segmentation" in Material's Search.search), which
 * would cut a two-kanji pair whose first kanji is also a word of its own.
 * With the "_" in between, no query run of kanji is longer than one.
 */
"use strict";

var SOURCE = new URL(self.location.href).searchParams.get("material");

/* Japanese characters: kana, kanji, the long vowel mark and the middle dot. */
var JAPANESE = "\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Han}\\u30fc\\u30fb";
var TOKEN = new RegExp(
  "([" + JAPANESE + "]+)|((?:(?![" + JAPANESE + "])[\\p{L}\\p{N}])+)",
  "gu"
);
var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

function normalize(value) {
  return String(value || "").normalize("NFKC").toLowerCase();
}

/* Plain text of an index field (Material keeps some markup in it). */
function plain(value) {
  return normalize(
    String(value || "")
      .replace(/<[^>]*>/g, " ")
      .replace(/&(?:amp|lt|gt|quot|#39);/g, function (e) { return ENTITIES[e]; })
  );
}

/* The pairs of a run of Japanese text: 北区役所 → 北_区 区_役 役_所 所_ */
function pairs(run, closed) {
  var chars = Array.from(run.replace(/\u30fb/g, ""));
  var out = [];
  for (var i = 0; i < chars.length; i++) {
    if (i + 1 < chars.length) out.push(chars[i] + "_" + chars[i + 1]);
    else if (closed) out.push(chars[i] + "_");
  }
  return out;
}

/* Index side: the pairs and words of a field, separated by spaces. */
function indexTerms(value) {
  var out = [];
  var text = plain(value);
  var match;
  TOKEN.lastIndex = 0;
  while ((match = TOKEN.exec(text)) !== null) {
    if (match[1]) out.push.apply(out, pairs(match[1], true));
    else out.push(match[2]);
  }
  return out.join(" ");
}

/* Query side: every pair and word required; one character is a prefix. */
function queryTerms(query) {
  var out = [];
  var text = normalize(query);
  var match;
  TOKEN.lastIndex = 0;
  while ((match = TOKEN.exec(text)) !== null) {
    if (match[1]) {
      var run = match[1].replace(/\u30fb/g, "");
      if (Array.from(run).length === 1) out.push("+" + run + "_*");
      else out.push.apply(out, pairs(run, false).map(function (p) { return "+" + p; }));
    } else {
      out.push("+" + match[2] + "*");
    }
  }
  return Array.from(new Set(out)).join(" ");
}

function setup(index) {
  var config = index.config;
  /* Japanese is handled here: no TinySegmenter (it would cut the pairs
   * apart), and no lunr pipeline (lunr's trimmer removes non-ASCII letters
   * from both ends of a word, which deletes Japanese words). */
  config.lang = config.lang.filter(function (lang) { return lang !== "ja"; });
  if (!config.lang.length) config.lang = ["en"];
  config.pipeline = [];
  config.fields.title_ja = { boost: (config.fields.title || {}).boost || 1000 };
  config.fields.text_ja = { boost: (config.fields.text || {}).boost || 1 };
}

function tokenize(docs) {
  docs.forEach(function (doc) {
    doc.title_ja = indexTerms(doc.title);
    doc.text_ja = indexTerms(doc.text);
  });
}

/* The page's title against the query, both without spaces and middle dots:
 * a page whose name is the query (淀川区役所) comes before pages that only
 * contain it (西淀川区役所), and a name that starts with it comes next. lunr's
 * score cannot tell them apart (Material sets length normalization off). */
function squeeze(value) {
  return plain(value).replace(/[\s\u30fb]+/g, "");
}

function rerank(groups, query) {
  var wanted = squeeze(query);
  if (!wanted) return;
  groups.forEach(function (group) {
    var article = group.find(function (item) { return item.location.indexOf("#") < 0; });
    var title = squeeze((article || group[0]).title);
    var factor = title === wanted ? 3 : title.indexOf(wanted) === 0 ? 2 : 1;
    group.forEach(function (item) { item.score *= factor; });
  });
  /* Material orders groups by their best item, which comes first. */
  groups.sort(function (a, b) { return b[0].score - a[0].score; });
}

/* The index is built on the first search, not on every page load.
 *
 * Material's page sends the whole search index when a page opens, and its
 * worker builds the lunr index from it at once: in the background, but on
 * every page a member of staff opens (0.2 s for the sample, 1.1 s at ten
 * times the divisions, in Chromium), most of which are never searched. Here
 * Material gets an empty index at once (so search is ready), the documents are
 * kept, and the first query waits while Material builds the real index (the
 * build runs to its end before the worker reads its next message, so later
 * queries simply queue behind it). */
var pending = null; // the page's index (config, documents, options), until the first query
var heldQuery = null; // the query that waits for the index
var building = false;
var replayed = new WeakSet(); // messages this file hands to Material itself

function replay(message) {
  replayed.add(message);
  self.dispatchEvent(new MessageEvent("message", { data: message }));
}

var lastQuery = "";
var post = self.postMessage.bind(self);
self.postMessage = function (message) {
  if (message && message.type === 1 && building) {
    /* Material has built the real index: answer the query that waited. The
     * page already had its "ready" for the empty index. */
    building = false;
    pending = null;
    var query = heldQuery;
    heldQuery = null;
    if (query) replay(query);
    return;
  }
  if (message && message.data && Array.isArray(message.data.items))
    rerank(message.data.items, lastQuery);
  post(message);
};

/* Registered before Material's worker, so it runs first and rewrites the
 * message (the same object) that Material's own listener then reads. */
self.addEventListener("message", function (ev) {
  var message = ev.data;
  if (!message || typeof message !== "object" || replayed.has(message)) return;
  if (message.data && typeof message.data === "object" && message.data.docs) {
    setup(message.data);
    pending = { config: message.data.config, docs: message.data.docs, options: message.data.options };
    message.data.docs = [];
  } else if (typeof message.data === "string") {
    lastQuery = message.data;
    message.data = queryTerms(message.data);
    if (pending) {
      ev.stopImmediatePropagation();
      heldQuery = message;
      if (!building) {
        building = true;
        tokenize(pending.docs);
        replay({ type: 0, data: pending });
      }
    }
  }
});

importScripts(SOURCE);
