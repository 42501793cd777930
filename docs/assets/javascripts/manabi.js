/* manabi: what depends on the day a page is read, and the personal checklist.
 *
 * Reads only the data-* attributes that manabi's templates render (escaped);
 * all text a person reads is already in the page, this script only shows,
 * hides, moves and counts, and fills in numbers, dates and names (as text).
 * It stores the checklist in this browser's localStorage, saves and reads it
 * as a file the person chooses, and makes no network request. Without it, pages show the
 * build day's view: quota and deadline, the build day's upcoming events, and
 * the learning path as a plain list.
 */
(function () {
  "use strict";

  var STORE = "manabi.checklist"; // see "personal checklist" below
  var DAY = 24 * 60 * 60 * 1000;
  var TOKYO_OFFSET = 9 * 60 * 60 * 1000; // Japan has no daylight saving time

  /* The date in Tokyo, where the events happen and the deadline falls, whatever
   * time zone the reader's computer is set to: "2027-03-01". */
  function todayInTokyo() {
    return new Date(Date.now() + TOKYO_OFFSET).toISOString().slice(0, 10);
  }

  function daysFromTo(fromIso, toIso) {
    function utc(iso) {
      var p = iso.split("-");
      return Date.UTC(+p[0], +p[1] - 1, +p[2]);
    }
    return Math.round((utc(toIso) - utc(fromIso)) / DAY);
  }

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  /* --- deadline ------------------------------------------------------------ */

  function showDeadline(today) {
    all(document, "[data-manabi-quota][data-deadline]").forEach(function (quota) {
      var days = daysFromTo(today, quota.getAttribute("data-deadline"));
      var phase = days > 0 ? "before" : days === 0 ? "today" : "after";
      all(quota, "[data-manabi-phase]").forEach(function (part) {
        part.hidden = part.getAttribute("data-manabi-phase") !== phase;
      });
      all(quota, "[data-manabi-days]").forEach(function (count) {
        count.textContent = String(days);
      });
    });
  }

  /* --- next events (division and home pages, after-deadline hints) ---------- */

  function showNextEvents(today) {
    all(document, "[data-manabi-next]").forEach(function (box) {
      var limit = parseInt(box.getAttribute("data-manabi-next"), 10) || 1;
      var shown = 0;
      all(box, "li[data-date]").forEach(function (item) {
        var show = item.getAttribute("data-date") >= today && shown < limit;
        if (show) shown += 1;
        item.hidden = !show;
      });
      all(box, "[data-manabi-none]").forEach(function (none) {
        none.hidden = shown > 0;
      });
    });
  }

  /* --- events page: upcoming first, past ones folded away -------------------- */

  function rank(item) {
    return parseInt(item.getAttribute("data-rank"), 10) || 0;
  }

  function fillMonths(list, items, labels) {
    list.textContent = "";
    var month = null;
    var ul = null;
    items.forEach(function (item) {
      var key = item.getAttribute("data-date").slice(0, 7);
      if (key !== month) {
        var section = document.createElement("section");
        section.className = "manabi-month";
        section.setAttribute("data-month", key);
        var heading = document.createElement("h3");
        heading.textContent = labels[key];
        ul = document.createElement("ul");
        ul.className = "manabi-event-list";
        section.appendChild(heading);
        section.appendChild(ul);
        list.appendChild(section);
        month = key;
      }
      ul.appendChild(item);
    });
  }

  function splitEvents(today) {
    all(document, "[data-manabi-events]").forEach(function (page) {
      var upcomingList = page.querySelector('[data-manabi-list="upcoming"]');
      var pastList = page.querySelector('[data-manabi-list="past"]');
      if (!upcomingList || !pastList) return;
      var labels = {}; // month headings as rendered: "2026年12月"
      all(page, "[data-month]").forEach(function (section) {
        var heading = section.querySelector("h2, h3, h4");
        if (heading) labels[section.getAttribute("data-month")] = heading.textContent;
      });
      var items = all(page, "[data-manabi-list] li[data-date]");
      items.sort(function (a, b) {
        return rank(a) - rank(b);
      });
      var upcoming = items.filter(function (item) {
        return item.getAttribute("data-date") >= today;
      });
      var past = items
        .filter(function (item) {
          return item.getAttribute("data-date") < today;
        })
        .reverse();
      fillMonths(upcomingList, upcoming, labels);
      fillMonths(pastList, past, labels);
      all(page, "[data-manabi-none]").forEach(function (none) {
        none.hidden = upcoming.length > 0;
      });
      var folded = page.querySelector("[data-manabi-past]");
      if (folded) folded.hidden = past.length === 0;
      all(page, "[data-manabi-count]").forEach(function (count) {
        count.textContent = String(past.length);
      });
    });
  }

  /* --- personal checklist (division pages) -----------------------------------
   *
   * Stored as {"version": 2, "periods": {"<受講期限>": {"<course id>": "started" | "done"}}}.
   * A tick belongs to the period that ends on the 受講期限 of the page it was made on
   * ("" while the sheet sets none). A page counts only its own period; earlier ones are
   * the record of past years (前年度までの記録), shown and never counted. A deadline
   * moved by less than SAME_PERIOD_DAYS (an extension, a corrected date) is the same
   * period moved, so its ticks follow it; next year's deadline is a new period. The
   * first format, {"<course id>": mark}, knew no periods: its ticks were made under the
   * deadline of the site's first year and go to the period of the page that reads them.
   */

  var RECORD_VERSION = 2;
  var FILE_FORMAT = "manabi.checklist"; // what a saved record file says it is
  var SAME_PERIOD_DAYS = 120;
  var PERIOD_KEY = /^(\d{4}-\d{2}-\d{2})?$/;
  var MAX_KEY_LENGTH = 200;

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  /* {course: mark}. Strict (a file): anything else makes it null. Lenient (this
   * browser's storage): what is not a mark is dropped. */
  function cleanMarks(value, strict) {
    if (!isPlainObject(value)) return strict ? null : {};
    var marks = Object.create(null);
    for (var course in value) {
      if (!own(value, course)) continue;
      var mark = value[course];
      var ok = (mark === "started" || mark === "done") && course && course.length <= MAX_KEY_LENGTH;
      if (ok) marks[course] = mark;
      else if (strict) return null;
    }
    return marks;
  }

  function cleanPeriods(value, strict) {
    if (!isPlainObject(value)) return strict ? null : {};
    var periods = Object.create(null);
    for (var key in value) {
      if (!own(value, key)) continue;
      var marks = cleanMarks(value[key], strict);
      if (PERIOD_KEY.test(key) && marks !== null) periods[key] = marks;
      else if (strict) return null;
    }
    return periods;
  }

  /* Done beats started: merging two records never loses a completed course. */
  function mergeMarks(into, from) {
    for (var course in from) {
      if (into[course] !== "done") into[course] = from[course];
    }
  }

  /* Periods that are the current one moved, or ticks made before any deadline, join it. */
  function settle(periods, current) {
    var changed = false;
    if (current === "") return changed;
    Object.keys(periods).forEach(function (key) {
      if (key === current) return;
      if (key === "" || Math.abs(daysFromTo(key, current)) < SAME_PERIOD_DAYS) {
        periods[current] = periods[current] || Object.create(null);
        mergeMarks(periods[current], periods[key]);
        delete periods[key];
        changed = true;
      }
    });
    return changed;
  }

  /* {periods, changed}: this browser's record seen from the period `current`; null when
   * storage is switched off or holds a newer script's record (not ours to overwrite). */
  function readRecord(current) {
    var raw;
    try {
      raw = window.localStorage.getItem(STORE);
    } catch (error) {
      return null;
    }
    var value;
    try {
      value = JSON.parse(raw || "{}");
    } catch (error) {
      value = {}; // unreadable: start afresh, as if nothing was ticked
    }
    var record = { periods: Object.create(null), changed: false };
    if (isPlainObject(value) && typeof value.version === "number") {
      if (value.version !== RECORD_VERSION) return null;
      record.periods = cleanPeriods(value.periods, false);
    } else {
      var first = cleanMarks(value, false); // the first format: migrate it
      if (Object.keys(first).length) {
        record.periods[current] = first;
        record.changed = true;
      }
    }
    if (settle(record.periods, current)) record.changed = true;
    return record;
  }

  function writeRecord(periods) {
    var kept = {};
    Object.keys(periods)
      .sort()
      .forEach(function (key) {
        if (Object.keys(periods[key]).length) kept[key] = periods[key];
      });
    try {
      window.localStorage.setItem(STORE, JSON.stringify({ version: RECORD_VERSION, periods: kept }));
      return true;
    } catch (error) {
      return false; // full or switched off: the tick stays for this visit only
    }
  }

  function currentPeriod(panel) {
    return panel.getAttribute("data-deadline") || "";
  }

  /* Periods before the current one, latest first. */
  function earlierPeriods(periods, current) {
    return Object.keys(periods)
      .filter(function (key) {
        return key !== current && (current === "" || key < current);
      })
      .sort()
      .reverse();
  }

  function dateJa(iso) {
    var p = iso.split("-");
    return +p[0] + "年" + +p[1] + "月" + +p[2] + "日";
  }

  function count(marks, mark) {
    return Object.keys(marks).filter(function (course) {
      return marks[course] === mark;
    }).length;
  }

  function showEarlier(panel, periods, earlier, steps) {
    var box = panel.querySelector("[data-manabi-earlier]");
    var list = panel.querySelector("[data-manabi-earlier-list]");
    var template = panel.querySelector("template[data-manabi-earlier-item]");
    if (!box || !list || !template) return;
    list.textContent = "";
    earlier.forEach(function (key) {
      var done = count(periods[key], "done");
      if (!done) return;
      var item = template.content.firstElementChild.cloneNode(true);
      var titles = steps
        .filter(function (step) {
          return periods[key][step.getAttribute("data-course")] === "done";
        })
        .map(function (step) {
          return step.querySelector("a").textContent;
        });
      item.querySelector("[data-manabi-earlier-until]").hidden = key === "";
      item.querySelector("[data-manabi-earlier-undated]").hidden = key !== "";
      item.querySelector("[data-manabi-earlier-date]").textContent = key ? dateJa(key) : "";
      item.querySelector("[data-manabi-earlier-done]").textContent = String(done);
      item.querySelector("[data-manabi-earlier-some]").hidden = titles.length === 0;
      item.querySelector("[data-manabi-earlier-titles]").textContent = titles.join("、");
      list.appendChild(item);
    });
    box.hidden = list.children.length === 0;
  }

  function showProgress(panel) {
    var current = currentPeriod(panel);
    var record = readRecord(current) || { periods: Object.create(null) };
    var state = record.periods[current] || Object.create(null);
    var earlier = earlierPeriods(record.periods, current);
    var doneBefore = Object.create(null);
    earlier.forEach(function (key) {
      for (var course in record.periods[key]) {
        if (record.periods[key][course] === "done") doneBefore[course] = true;
      }
    });
    var done = 0;
    var started = 0;
    var highest = -1;
    var levels = all(document, "section[data-level]");
    levels.forEach(function (level, index) {
      all(level, "li[data-course]").forEach(function (step) {
        var course = step.getAttribute("data-course");
        var mark = state[course];
        all(step, "input[data-manabi-state]").forEach(function (box) {
          box.checked = box.getAttribute("data-manabi-state") === mark;
        });
        all(step, "[data-manabi-earlier-mark]").forEach(function (note) {
          note.hidden = !(doneBefore[course] && mark !== "done");
        });
        step.classList.toggle("manabi-step--done", mark === "done");
        step.classList.toggle("manabi-step--started", mark === "started");
        if (mark === "done") {
          done += 1;
          highest = index;
        } else if (mark === "started") {
          started += 1;
        }
      });
    });
    showEarlier(panel, record.periods, earlier, all(document, "section[data-level] li[data-course]"));
    var quota = parseInt(panel.getAttribute("data-quota"), 10) || 0;
    var bar = panel.querySelector("progress");
    if (bar) {
      var value = Math.min(done, bar.max);
      bar.value = value;
      bar.setAttribute("value", String(value));
    }
    all(panel, "[data-manabi-done]").forEach(function (n) {
      n.textContent = String(done);
    });
    all(panel, "[data-manabi-started]").forEach(function (n) {
      n.textContent = String(started);
    });
    var met = done >= quota;
    all(panel, "[data-manabi-met]").forEach(function (block) {
      block.hidden = !met;
    });
    var next = levels[highest + 1];
    var nextId = next ? next.getAttribute("data-level") : "";
    all(panel, "[data-manabi-next-level]").forEach(function (block) {
      block.hidden = block.getAttribute("data-manabi-next-level") !== nextId;
    });
  }

  /* --- keeping the record in a file (no server: a download and a file chooser) --- */

  function siteRoot(panel) {
    var root = (panel.getAttribute("data-site-root") || ".").replace(/\/?$/, "/");
    return new URL(root, window.location.href).href;
  }

  /* Shows the one message `which` of the panel, its blanks filled in from `fill`. */
  function say(panel, which, fill) {
    all(panel, "[data-manabi-says]").forEach(function (message) {
      var shown = message.getAttribute("data-manabi-says") === which;
      if (shown) {
        Object.keys(fill || {}).forEach(function (blank) {
          all(message, "[data-manabi-says-" + blank + "]").forEach(function (slot) {
            slot.textContent = String(fill[blank]);
          });
        });
      }
      message.hidden = !shown;
    });
  }

  function saveRecord(panel) {
    var record = readRecord(currentPeriod(panel));
    if (!record) return;
    var today = todayInTokyo();
    var file = {
      format: FILE_FORMAT,
      version: RECORD_VERSION,
      site: { name: panel.getAttribute("data-site-name") || "", root: siteRoot(panel) },
      saved: today,
      periods: record.periods,
    };
    var name = "受講の記録_" + today + ".json";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(
      new Blob([JSON.stringify(file, null, 1) + "\n"], { type: "application/json" })
    );
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () {
      URL.revokeObjectURL(link.href);
    }, 60 * 1000);
    say(panel, "saved", { file: name });
  }

  /* The record in `text` if it is one of this site's saved records, else the refusal. */
  function readRecordFile(panel, text) {
    var value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { refused: "not-record" };
    }
    if (!isPlainObject(value) || value.format !== FILE_FORMAT || !isPlainObject(value.site)) {
      return { refused: "not-record" };
    }
    if (typeof value.version === "number" && value.version > RECORD_VERSION) {
      return { refused: "newer" };
    }
    var periods = value.version === RECORD_VERSION ? cleanPeriods(value.periods, true) : null;
    var name = value.site.name;
    if (periods === null || typeof name !== "string") return { refused: "not-record" };
    // Same site: the same サイト名, or the same address (a renamed site still knows its files).
    if (name !== panel.getAttribute("data-site-name") && value.site.root !== siteRoot(panel)) {
      return { refused: "other-site", fill: { site: name.slice(0, 60) } };
    }
    return { periods: periods };
  }

  function loadRecord(panel, file) {
    var limit = parseInt(panel.getAttribute("data-max-bytes"), 10);
    if (file.size > limit) {
      say(panel, "too-large");
      return;
    }
    var reader = new FileReader();
    reader.onerror = function () {
      say(panel, "unreadable");
    };
    reader.onload = function () {
      var found = readRecordFile(panel, String(reader.result));
      if (found.refused) {
        say(panel, found.refused, found.fill);
        return;
      }
      var current = currentPeriod(panel);
      var record = readRecord(current);
      if (!record) {
        say(panel, "unreadable");
        return;
      }
      Object.keys(found.periods).forEach(function (key) {
        record.periods[key] = record.periods[key] || Object.create(null);
        mergeMarks(record.periods[key], found.periods[key]);
      });
      settle(record.periods, current);
      if (!writeRecord(record.periods)) {
        say(panel, "unreadable");
        return;
      }
      showProgress(panel);
      var marks = record.periods[current] || {};
      say(panel, "loaded", { done: count(marks, "done"), started: count(marks, "started") });
    };
    reader.readAsText(file);
  }

  function setUpKeeping(panel) {
    var input = panel.querySelector("input[data-manabi-file]");
    all(panel, "[data-manabi-save]").forEach(function (button) {
      button.addEventListener("click", function () {
        saveRecord(panel);
      });
    });
    all(panel, "[data-manabi-load]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (input) input.click();
      });
    });
    if (input) {
      input.addEventListener("change", function () {
        if (input.files && input.files[0]) loadRecord(panel, input.files[0]);
        input.value = ""; // the same file can be chosen again
      });
    }
  }

  function setUpChecklist() {
    var panel = document.querySelector("[data-manabi-checklist]");
    if (!panel || panel.getAttribute("data-manabi-ready")) return;
    var current = currentPeriod(panel);
    var record = readRecord(current);
    if (record === null) return; // no storage: the path stays a plain list
    if (record.changed) writeRecord(record.periods); // migrated or moved: keep it so
    panel.setAttribute("data-manabi-ready", "1");
    all(document, "li[data-course]").forEach(function (step) {
      var course = step.getAttribute("data-course");
      all(step, "[data-manabi-check]").forEach(function (ticks) {
        ticks.hidden = false;
      });
      all(step, "input[data-manabi-state]").forEach(function (box) {
        box.addEventListener("change", function () {
          var now = readRecord(current) || { periods: Object.create(null) };
          var state = (now.periods[current] = now.periods[current] || Object.create(null));
          var mark = box.getAttribute("data-manabi-state");
          if (box.checked) {
            state[course] = mark; // 受講中 and 受講済み exclude each other
          } else if (state[course] === mark) {
            delete state[course];
          }
          writeRecord(now.periods);
          showProgress(panel);
        });
      });
    });
    setUpKeeping(panel);
    panel.hidden = false;
    showProgress(panel);
  }

  window.addEventListener("storage", function (event) {
    var panel = document.querySelector("[data-manabi-checklist][data-manabi-ready]");
    if (panel && event.key === STORE) showProgress(panel); // ticked in another tab
  });

  function run() {
    var today = todayInTokyo();
    showDeadline(today);
    showNextEvents(today);
    splitEvents(today);
    setUpChecklist();
  }

  // Material's document$ also fires after instant navigation, when it is on.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
