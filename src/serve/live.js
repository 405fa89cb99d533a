/* roadbook serve: live reload and the error overlay. The preview server
   adds it to pages on the way out (with the page's state in data-roadbook);
   `roadbook build` output never contains it. */
(function (cfg) {
  "use strict";
  if (!cfg.base) return;
  var generation = cfg.generation;
  var scrollKey = "roadbook:scroll:" + location.pathname;
  var reloading = false;

  // After a reload this script asked for, put the reader back where they were.
  var saved = null;
  try {
    saved = sessionStorage.getItem(scrollKey);
    sessionStorage.removeItem(scrollKey);
  } catch (e) {}
  if (saved !== null) {
    var y = parseFloat(saved) || 0;
    var restore = function () { window.scrollTo(0, y); };
    restore();
    document.addEventListener("DOMContentLoaded", restore);
    window.addEventListener("load", restore);
  }

  function head(path) {
    return fetch(path, { method: "HEAD", cache: "no-store" });
  }

  function reload() {
    if (reloading) return;
    reloading = true;
    disconnect();
    var again = function () {
      try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) {}
      location.reload();
    };
    if (!cfg.found) return again();
    // A page whose file was deleted or renamed: go to its section overview.
    head(location.href).then(function (r) {
      if (r.status === 404) overview(location.pathname); else again();
    }, again);
  }

  function parentOf(path) {
    path = path.replace(/index\.html$/, "").replace(/\/$/, "");
    return path.slice(0, path.lastIndexOf("/") + 1);
  }

  function overview(path) {
    var up = parentOf(path);
    if (up.length <= cfg.base.length) return location.replace(cfg.base);
    head(up).then(function (r) {
      if (r.ok) location.replace(up); else overview(up);
    }, function () { location.replace(cfg.base); });
  }

  // Swap changed stylesheets for fresh copies; the old one goes once the new
  // one has loaded, so the page never shows unstyled.
  function swapCss(files) {
    var links = Array.prototype.slice.call(document.querySelectorAll('link[rel~="stylesheet"]'));
    var mine = links.filter(function (l) {
      var url = new URL(l.href, location.href);
      return url.origin === location.origin;
    });
    var named = mine.filter(function (l) {
      var path = new URL(l.href, location.href).pathname;
      return files.indexOf(path.slice(cfg.base.length)) >= 0;
    });
    // A changed file imported by another stylesheet: refresh them all.
    (named.length ? named : mine).forEach(function (link) {
      var url = new URL(link.href, location.href);
      url.searchParams.set("roadbook", String(generation));
      var next = link.cloneNode(false);
      next.href = url.href;
      next.onload = next.onerror = function () { link.remove(); };
      link.parentNode.insertBefore(next, link.nextSibling);
    });
  }

  function showError(text) {
    var box = document.getElementById("roadbook-overlay");
    if (!text) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "roadbook-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(24,24,27,.96);color:#f4f4f5;padding:24px 28px;margin:0;" +
        "font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var bar = document.createElement("div");
    bar.style.cssText = "display:flex;gap:16px;align-items:baseline;margin-bottom:16px;font-family:system-ui,sans-serif";
    var title = document.createElement("strong");
    title.textContent = "The handbook has errors. This is the last good version underneath; fix the file and this clears by itself.";
    var hide = document.createElement("button");
    hide.type = "button";
    hide.textContent = "Hide";
    hide.style.cssText = "margin-left:auto;font:inherit;cursor:pointer";
    hide.onclick = function () { box.remove(); };
    bar.appendChild(title);
    bar.appendChild(hide);
    box.appendChild(bar);
    var pre = document.createElement("pre");
    pre.style.cssText = "margin:0;white-space:pre-wrap;font:inherit;background:none;color:inherit;border:0;padding:0";
    text.split("\n").forEach(function (line) {
      var span = document.createElement("span");
      span.textContent = line + "\n";
      if (/^error/.test(line)) span.style.color = "#fca5a5";
      else if (/^warning/.test(line)) span.style.color = "#fcd34d";
      else if (/^\s*-->/.test(line)) span.style.color = "#93c5fd";
      pre.appendChild(span);
    });
    box.appendChild(pre);
  }

  if (cfg.error) {
    if (document.body) showError(cfg.error);
    else document.addEventListener("DOMContentLoaded", function () { showError(cfg.error); });
  }

  // One event stream per visible page. Browsers allow six HTTP/1.1
  // connections to a host, so hidden tabs let theirs go; when one is shown
  // again, the `hello` event says whether it missed a build.
  var source = null;
  function connect() {
    if (source || reloading || document.hidden) return;
    source = new EventSource(cfg.base + "__roadbook/events" +
      (cfg.file ? "?file=" + encodeURIComponent(cfg.file) : ""));
    source.addEventListener("hello", function (e) {
      var d = JSON.parse(e.data);
      // A build finished while this page was loading or hidden, or the
      // server was restarted.
      if (d.generation !== generation || d.instance !== cfg.instance) return reload();
      showError(d.error);
    });
    source.addEventListener("reload", function (e) {
      var d = JSON.parse(e.data);
      // Only some pages changed, and not this one: nothing to show.
      if (d.pages && cfg.file && d.pages.indexOf(cfg.file) < 0) {
        generation = d.generation;
        return;
      }
      reload();
    });
    source.addEventListener("css", function (e) {
      var d = JSON.parse(e.data);
      generation = d.generation;
      swapCss(d.files);
    });
    source.addEventListener("failed", function (e) { showError(JSON.parse(e.data).error); });
    source.addEventListener("fixed", function () { showError(null); });
  }
  function disconnect() {
    if (source) source.close();
    source = null;
  }
  if (!window.EventSource) return;
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) disconnect(); else connect();
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", connect);
  connect();
})(JSON.parse((document.currentScript && document.currentScript.getAttribute("data-roadbook")) || "{}"));
