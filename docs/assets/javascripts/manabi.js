/* manabi: what depends on the day a page is read, and the personal checklist.
 *
 * Reads only the data-* attributes that manabi's templates render (escaped);
 * all text a person reads is already in the page, this script only shows,
 * hides, moves and counts. It stores the checklist in this browser's
 * localStorage and makes no network request. Without it, pages show the
 * build day's view: quota and deadline, the build day's upcoming events, and
 * the learning path as a plain list.
 */
(function () {
  "use strict";

  var STORE = "manabi.checklist"; // {"<course id>": "started" | "done"}
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

  /* --- personal checklist (division pages) ----------------------------------- */

  function readStore() {
    try {
      var value = JSON.parse(window.localStorage.getItem(STORE) || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (error) {
      return null; // storage switched off, or not ours to read: no checklist
    }
  }

  function writeStore(state) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(state));
    } catch (error) {
      /* full or switched off: the tick stays for this visit only */
    }
  }

  function showProgress(panel) {
    var state = readStore() || {};
    var done = 0;
    var started = 0;
    var highest = -1;
    var levels = all(document, "section[data-level]");
    levels.forEach(function (level, index) {
      all(level, "li[data-course]").forEach(function (step) {
        var mark = state[step.getAttribute("data-course")];
        all(step, "input[data-manabi-state]").forEach(function (box) {
          box.checked = box.getAttribute("data-manabi-state") === mark;
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

  function setUpChecklist() {
    var panel = document.querySelector("[data-manabi-checklist]");
    if (!panel || panel.getAttribute("data-manabi-ready")) return;
    if (readStore() === null) return; // no storage: the path stays a plain list
    panel.setAttribute("data-manabi-ready", "1");
    all(document, "li[data-course]").forEach(function (step) {
      var course = step.getAttribute("data-course");
      all(step, "[data-manabi-check]").forEach(function (ticks) {
        ticks.hidden = false;
      });
      all(step, "input[data-manabi-state]").forEach(function (box) {
        box.addEventListener("change", function () {
          var state = readStore() || {};
          var mark = box.getAttribute("data-manabi-state");
          if (box.checked) {
            state[course] = mark; // 受講中 and 受講済み exclude each other
          } else if (state[course] === mark) {
            delete state[course];
          }
          writeStore(state);
          showProgress(panel);
        });
      });
    });
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
