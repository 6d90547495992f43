// The page's script: the drop zone, cell edits, leaving rows out, and the
// live progress of a run (server-sent events). Plain JavaScript, no build.
"use strict";

function post(url, fields) {
  return fetch(url, {
    method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded"},
    body: new URLSearchParams(fields),
    credentials: "same-origin",
  }).then(function (r) {
    return r.text().then(function (t) {
      if (!r.ok) { throw new Error(t); }
      return t;
    });
  });
}

// replaceRow puts the server's new <tr> in place of the old one.
function replaceRow(tr, html) {
  var t = document.createElement("tbody");
  t.innerHTML = html.trim();
  var fresh = t.firstElementChild;
  tr.replaceWith(fresh);
  return fresh;
}

function setupDrop() {
  var zone = document.getElementById("zone");
  if (!zone) { return; }
  var sheet = document.getElementById("sheet"), files = document.getElementById("files");
  ["dragenter", "dragover"].forEach(function (e) {
    zone.addEventListener(e, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
  });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (ev) {
    ev.preventDefault();
    zone.classList.remove("over");
    Array.prototype.forEach.call(ev.dataTransfer.files, function (f) {
      var dt = new DataTransfer();
      dt.items.add(f);
      if (/\.zip$/i.test(f.name)) { files.files = dt.files; } else { sheet.files = dt.files; }
    });
  });
}

function setupGrid() {
  var wrap = document.getElementById("grid-wrap");
  if (!wrap) { return; }
  var run = document.getElementById("bar").dataset.run;
  wrap.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.dataset.col) { return; }
    var tr = input.closest("tr");
    tr.classList.add("saving");
    post("/runs/" + run + "/cell", {row: tr.dataset.row, col: input.dataset.col, value: input.value})
      .then(function (html) { replaceRow(tr, html); })
      .catch(function (e) { tr.classList.remove("saving"); showError(e.message); });
  });
  wrap.addEventListener("click", function (ev) {
    var b = ev.target;
    if (!b.classList.contains("leave")) { return; }
    var tr = b.closest("tr");
    post("/runs/" + run + "/leave-out", {row: tr.dataset.row, out: b.dataset.out})
      .then(function (html) { replaceRow(tr, html); })
      .catch(function (e) { showError(e.message); });
  });
}

function showError(msg) {
  var p = document.getElementById("error");
  if (!p) {
    p = document.createElement("p");
    p.id = "error";
    p.className = "error";
    document.querySelector("main").prepend(p);
  }
  p.textContent = msg;
}

function renderCounts(counts, problems) {
  var ul = document.getElementById("counts");
  ul.textContent = "";
  Object.keys(counts).sort().forEach(function (k) {
    if (!counts[k]) { return; }
    var li = document.createElement("li"), b = document.createElement("b");
    li.className = "count " + k;
    b.textContent = counts[k];
    li.append(b, " " + k);
    ul.append(li);
  });
  var send = document.getElementById("send"), n = counts.valid || 0;
  var pl = document.getElementById("problems");
  pl.textContent = "";
  (problems || []).forEach(function (p) {
    var li = document.createElement("li"), b = document.createElement("b"), h = document.createElement("span");
    b.textContent = p.rows;
    h.className = "hint";
    h.textContent = "(row " + p.example_row + ")";
    li.append(b, " " + (p.column ? p.column + ": " : "") + p.error_code + " ", h);
    pl.append(li);
  });
  send.textContent = n === 1 ? "Send 1 candidate to Comeet" : "Send " + n + " candidates to Comeet";
  send.disabled = n === 0;
}

function setupEvents() {
  var bar = document.getElementById("bar");
  if (!bar || !window.EventSource) { return; }
  var run = bar.dataset.run, phase = bar.dataset.phase, lastGrid = 0;
  var wrap = document.getElementById("grid-wrap");
  var src = new EventSource("/runs/" + run + "/events");
  src.onmessage = function (ev) {
    var st = JSON.parse(ev.data);
    var busy = st.phase !== "idle";
    if (!busy && phase !== "idle") {
      // The run ended: the page as the server renders it now has the
      // outcomes, the summary and the downloads.
      src.close();
      location.reload();
      return;
    }
    bar.dataset.phase = st.phase;
    renderCounts(st.counts, st.problems);
    document.getElementById("send").disabled = busy || !st.counts.valid;
    document.getElementById("check").disabled = busy;
    document.getElementById("stop").hidden = !busy;
    document.getElementById("progress").hidden = !busy;
    document.getElementById("last").textContent = st.last || "";
    document.getElementById("account").textContent = st.account || "";
    if (busy) {
      var pb = document.getElementById("progress-bar");
      pb.max = Math.max(st.total, 1);
      pb.value = st.done;
      var words = (st.phase === "sending" ? "Sending: " : "Checking: ") + st.done + " of " + st.total + " rows";
      if (st.phase === "sending") {
        words += " · " + st.requests + " requests · " + st.throttled + " throttled";
        if (st.eta) { words += " · about " + st.eta + " left"; }
      }
      document.getElementById("progress-text").textContent = words;
      var now = Date.now();
      if (now - lastGrid > 1000) {
        lastGrid = now;
        fetch(wrap.dataset.src, {credentials: "same-origin"}).then(function (r) { return r.text(); })
          .then(function (html) { wrap.innerHTML = html; });
      }
    }
    phase = st.phase;
  };
}

document.addEventListener("DOMContentLoaded", function () {
  setupDrop();
  setupGrid();
  setupEvents();
});
