// roadbook: reader progress and theme switching. Progress is kept in this
// browser's localStorage under "roadbook:progress" as { slug: state }, so
// no account or server is needed. Everything here is an enhancement: the
// pages read fine without it.
(function () {
  "use strict";
  var KEY = "roadbook:progress";
  var STATES = ["learning", "done", "skipped"];

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(p) {
    try { localStorage.setItem(KEY, JSON.stringify(p)); } catch (e) { /* private mode */ }
  }

  // A renamed skill keeps its readers' progress: move old slugs to the new one.
  function migrateAliases(progress) {
    var el = document.querySelector("[data-aliases]");
    if (!el) return;
    var slug = el.getAttribute("data-skill");
    (el.getAttribute("data-aliases") || "").split(" ").forEach(function (old) {
      if (old && progress[old] && !progress[slug]) { progress[slug] = progress[old]; delete progress[old]; save(progress); }
    });
  }

  function renderControls(progress) {
    document.querySelectorAll(".progress-control").forEach(function (box) {
      var slug = box.getAttribute("data-skill");
      box.hidden = false;
      box.querySelectorAll("button").forEach(function (b) {
        b.setAttribute("aria-pressed", String(progress[slug] === b.getAttribute("data-state")));
        b.onclick = function () {
          var p = load();
          var state = b.getAttribute("data-state");
          if (p[slug] === state) delete p[slug]; else p[slug] = state;
          save(p);
          refresh();
        };
      });
    });
  }

  function renderMeters(progress) {
    document.querySelectorAll(".progress-meter").forEach(function (m) {
      var slugs = (m.getAttribute("data-skills") || "").split(" ").filter(Boolean);
      if (!slugs.length) return;
      var counted = slugs.filter(function (s) { return progress[s] !== "skipped"; });
      var done = counted.filter(function (s) { return progress[s] === "done"; }).length;
      m.hidden = false;
      m.textContent = done + " of " + counted.length + " skills done for " + m.getAttribute("data-label");
      var bar = document.createElement("progress");
      bar.max = counted.length || 1;
      bar.value = done;
      bar.setAttribute("aria-hidden", "true");
      m.appendChild(bar);
    });
    document.querySelectorAll("[data-skill-row], [data-skill-link]").forEach(function (el) {
      var slug = el.getAttribute("data-skill-row") || el.getAttribute("data-skill-link");
      if (progress[slug]) el.setAttribute("data-progress", progress[slug]); else el.removeAttribute("data-progress");
    });
  }

  function refresh() {
    var p = load();
    renderControls(p);
    renderMeters(p);
  }

  function theme() {
    var btn = document.querySelector(".theme-toggle");
    if (!btn) return;
    btn.hidden = false;
    btn.onclick = function () {
      var root = document.documentElement;
      var dark = root.dataset.theme ? root.dataset.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
      root.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("roadbook:theme", root.dataset.theme); } catch (e) { /* ignore */ }
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    migrateAliases(load());
    refresh();
    theme();
    window.addEventListener("storage", function (e) { if (e.key === KEY) refresh(); });
  });
  window.roadbook = { states: STATES, load: load };
})();
