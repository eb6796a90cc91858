// The grid worker's phone app: one page (/m/) with four screens (tasks, report, visits,
// messages). What it reads comes from the API and is kept by the service worker for when there
// is no signal; what the worker does goes through the outbox (outbox.js), sent in order.
(function () {
  "use strict";
  var root = document.getElementById("app");
  var T = document.getElementById("strings").dataset;
  var Outbox = window.GridGovOutbox, Photo = window.GridGovPhoto;
  var state = { me: null, position: null, categories: [], tasks: [], canvass: null, sending: false };
  var $ = function (id) { return document.getElementById(id); };

  // --- Small helpers ---------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (k === "class") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { var e = new Error("HTTP " + r.status); e.status = r.status; throw e; }
        return r.json();
      });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function rows(answer) { return Array.isArray(answer) ? answer : (answer && answer.results) || []; }

  // --- Screens -----------------------------------------------------------------------------

  function show(name) {
    var screens = document.querySelectorAll(".screen");
    var known = Array.prototype.some.call(screens, function (s) { return s.dataset.screen === name; });
    if (!known || (name === "visits" && !state.canvass)) { name = "tasks"; }
    screens.forEach(function (s) { s.classList.toggle("hidden", s.dataset.screen !== name); });
    document.querySelectorAll(".tabs a").forEach(function (a) {
      a.classList.toggle("current", a.dataset.tab === name);
      if (a.dataset.tab === name) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
    });
    if (name === "messages") { loadMessages(); }
  }

  function route() { show((location.hash || "#tasks").slice(1)); }

  function showNet() {
    var net = $("net");
    net.textContent = navigator.onLine ? net.dataset.online : net.dataset.offline;
    net.classList.toggle("off", !navigator.onLine);
  }

  // --- Where I am, who I am ------------------------------------------------------------

  function locate() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        // Browsers give WGS84; the API is told so with crs=wgs84.
        state.position = { lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy };
        resolve(state.position);
      }, function () { resolve(null); }, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
    });
  }

  function showPosition() {
    var p = state.position, line = $("report-position");
    if (p) {
      line.textContent = T.position + ": " + p.lon.toFixed(6) + ", " + p.lat.toFixed(6) + " (±" + Math.round(p.accuracy || 0) + " m)";
    } else {
      line.textContent = T.noPosition;
    }
  }

  // --- Whose phone this is now: what was read for someone else is forgotten ------------------

  var API_CACHE = "gridgov-mobile-api", LAST_USER = "gridgov-mobile-user";

  function forgetReads() {
    // The service worker's copies of my tasks, messages, who I am, the outline and the canvass
    // lists, and the categories chosen lately. The outbox stays: each action in it is its
    // user's, sent only while that user is signed in (flush).
    try { localStorage.removeItem(RECENT); localStorage.removeItem(LAST_USER); } catch (e) { /* private mode */ }
    return window.caches ? caches.delete(API_CACHE).catch(function () {}) : Promise.resolve();
  }

  function signOut(event) {
    event.preventDefault();
    var form = event.target;
    form.elements.csrfmiddlewaretoken.value = csrfToken();
    forgetReads().then(function () { form.submit(); });
  }

  function meIs(me) {
    var last = null;
    try { last = localStorage.getItem(LAST_USER); } catch (e) { /* private mode */ }
    var changed = last !== null && last !== String(me.id);
    state.me = me;
    return (changed ? forgetReads() : Promise.resolve()).then(function () {
      try { localStorage.setItem(LAST_USER, String(me.id)); } catch (e) { /* private mode */ }
      return me;
    });
  }

  function checkWhoIsSignedIn() {
    // Straight from the server (?fresh bypasses the service worker's copy): the outbox is sent
    // only as the user who filled it, never as whoever signed in after them.
    return getJson(root.dataset.me + "?fresh=1").then(meIs, function (error) {
      if (error.status === 401 || error.status === 403) { state.me = null; }
      return null;
    });
  }

  function mine(entry) { return !!state.me && entry.user === state.me.id; }

  function loadMe() {
    return getJson(root.dataset.me).then(meIs).then(function (me) {
      $("tasks-where").textContent = me.name + (me.region ? " · " + me.region.name : "");
      return me;
    }).catch(function (error) {
      // The shell opens from the phone's cache; a sign-in that ran out is found here.
      if (error.status === 401 || error.status === 403) {
        forgetReads();
        location.href = root.dataset.login + "?next=" + encodeURIComponent(root.dataset.scope);
      }
      return null;
    });
  }

  // --- My tasks ------------------------------------------------------------------------------

  function loadTasks() {
    var url = root.dataset.tasks;
    if (state.position) { url += "?lon=" + state.position.lon.toFixed(6) + "&lat=" + state.position.lat.toFixed(6) + "&crs=wgs84"; }
    return getJson(url).then(function (answer) {
      state.tasks = rows(answer);
      $("tasks-stale").classList.toggle("hidden", navigator.onLine);
      renderTasks();
    }).catch(function () { $("tasks-stale").classList.remove("hidden"); });
  }

  function renderTasks() {
    var list = $("task-list");
    list.replaceChildren();
    $("tasks-empty").classList.toggle("hidden", state.tasks.length > 0);
    state.tasks.forEach(function (task) { list.appendChild(taskCard(task)); });
    drawOutline();
  }

  function taskCard(task) {
    var where = task.distance_m === null || task.distance_m === undefined ? "" : " · " + task.distance_m + " " + T.metres;
    var card = el("li", { class: "card task urgency-" + task.urgency, "data-number": task.number }, [
      el("div", { class: "kind", text: (task.kind === "events" ? T.event : T.inspection) + " " + task.number }),
      el("div", { class: "title", text: task.title }),
      el("div", { class: "meta", text: task.status_label + where })
    ]);
    var steps = el("div", { class: "steps" });
    (task.steps || []).forEach(function (step) {
      var button = el("button", { type: "button", class: "step", "data-action": step.action, text: step.label });
      button.addEventListener("click", function () { openStep(card, task, step); });
      steps.appendChild(button);
    });
    card.appendChild(steps);
    return card;
  }

  function openStep(card, task, step) {
    var old = card.querySelector("form.step-form");
    if (old) { old.remove(); }
    var note = el("textarea", { rows: "2", name: "note", "aria-label": T.note });
    var photo = el("input", { type: "file", accept: "image/*", capture: "environment", name: "photo", "aria-label": T.photo });
    var problem = el("p", { class: "problem hidden", role: "alert" });
    var form = el("form", { class: "step-form" }, [
      el("label", { text: T.note }, [note]),
      step.photos ? el("label", { text: T.photo }, [photo]) : null,
      problem,
      el("button", { type: "submit", class: "primary", text: T.send + " · " + step.label })
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (step.note_required && !note.value.trim()) { problem.textContent = T.noteNeeded; problem.classList.remove("hidden"); return; }
      var file = step.photos && photo.files[0];
      if (!state.me) { problem.textContent = T.login; problem.classList.remove("hidden"); return; }
      (file ? Photo.prepare(file) : Promise.resolve(null)).then(function (prepared) {
        return Outbox.add({
          user: state.me.id,
          label: step.label + " · " + task.number,
          url: root.dataset.api + task.kind + "/" + encodeURIComponent(task.number) + "/" + step.action,
          fields: [["version", String(task.version)], ["note", note.value.trim()]],
          photos: prepared ? [prepared.blob] : [],
          item: { kind: task.kind, number: task.number }
        });
      }).then(function () {
        form.replaceWith(el("p", { class: "hint", text: T.queued }));
        return afterAction();
      });
    });
    card.appendChild(form);
    note.focus();
  }

  // --- My micro-grid's outline -------------------------------------------------------------

  var map = null, layers = null;

  function loadLeaflet() {
    if (window.L) { return Promise.resolve(window.L); }
    return new Promise(function (resolve, reject) {
      var css = el("link", { rel: "stylesheet", href: root.dataset.leafletCss });
      document.head.appendChild(css);
      var script = el("script", { src: root.dataset.leaflet });
      script.onload = function () { resolve(window.L); };
      script.onerror = reject;
      document.body.appendChild(script);
    });
  }

  function drawOutline() {
    if (!state.me || !state.me.region) { return; }
    var url = root.dataset.api + "regions/" + encodeURIComponent(state.me.region.code) + "/children.geojson";
    Promise.all([loadLeaflet(), getJson(url)]).then(function (loaded) {
      var L = loaded[0], shapes = loaded[1], box = $("outline");
      box.classList.remove("hidden");
      if (!map) { map = L.map(box, { attributionControl: false, zoomControl: false }); window.gridgovMap = map; }
      if (layers) { layers.remove(); }
      layers = L.featureGroup([L.geoJSON(shapes, { style: { color: "#1d5fa8", weight: 2, fillOpacity: 0.05 } })]);
      state.tasks.forEach(function (t) {
        if (t.lat !== null && t.lon !== null) { layers.addLayer(L.circleMarker([t.lat, t.lon], { radius: 6, color: "#b3261e" })); }
      });
      if (state.position) { layers.addLayer(L.circleMarker([state.position.lat, state.position.lon], { radius: 5, color: "#0a7d32" })); }
      layers.addTo(map);
      var bounds = layers.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8] }); }
    }).catch(function () { /* no outline cached yet: the list is enough */ });
  }

  // --- Report an event ---------------------------------------------------------------------

  var RECENT = "gridgov-recent-categories";
  var photos = [], photoWork = Promise.resolve();

  function loadCategories() {
    return getJson(root.dataset.categories).then(function (all) {
      var names = {};
      all.forEach(function (c) { names[c.code] = c.name; });
      state.categories = all.filter(function (c) { return c.parent; }).map(function (c) {
        return { code: c.code, name: c.name, label: names[c.parent] + " / " + c.name };
      });
      if (!state.categories.length) { state.categories = all.map(function (c) { return { code: c.code, name: c.name, label: c.name }; }); }
      var select = $("report-category");
      state.categories.forEach(function (c) { select.appendChild(el("option", { value: c.code, text: c.label })); });
      renderRecent();
    }).catch(function () { /* offline before the first load: nothing to choose from yet */ });
  }

  function recent() {
    try { return JSON.parse(localStorage.getItem(RECENT) || "[]"); } catch (e) { return []; }
  }

  function renderRecent() {
    var box = $("recent-categories"), known = {};
    state.categories.forEach(function (c) { known[c.code] = c; });
    box.replaceChildren();
    recent().filter(function (code) { return known[code]; }).forEach(function (code) {
      var chip = el("button", { type: "button", class: "chip", "data-code": code, text: known[code].name });
      chip.addEventListener("click", function () { $("report-category").value = code; markChip(); });
      box.appendChild(chip);
    });
    markChip();
  }

  function markChip() {
    var code = $("report-category").value;
    document.querySelectorAll("#recent-categories .chip").forEach(function (chip) {
      chip.classList.toggle("current", chip.dataset.code === code);
    });
  }

  function remember(code) {
    var list = [code].concat(recent().filter(function (c) { return c !== code; })).slice(0, 4);
    localStorage.setItem(RECENT, JSON.stringify(list));
  }

  function addPhoto(file) {
    return Photo.prepare(file).then(function (prepared) {
      photos.push(prepared);
      var url = URL.createObjectURL(prepared.blob);
      $("report-previews").appendChild(el("img", { src: url, alt: T.photo, class: "preview" }));
    });
  }

  function occurredAt() {
    // The earliest photo's time, if it is a plausible one (the server refuses the future).
    var now = Date.now(), times = photos.map(function (p) { return Date.parse(p.taken_at); }).filter(function (t) {
      return t && t <= now && now - t < 360 * 24 * 3600 * 1000;
    });
    return times.length ? new Date(Math.min.apply(null, times)).toISOString() : "";
  }

  function reportProblem(text) {
    var p = $("report-problem");
    p.textContent = text;
    p.classList.toggle("hidden", !text);
  }

  function submitReport(event) {
    event.preventDefault();
    photoWork.then(fileReport);
  }

  function fileReport() {
    var code = $("report-category").value, onSpot = $("report-on-the-spot").checked;
    var note = $("report-note").value.trim();
    if (!photos.length) { reportProblem(T.photoNeeded); return; }
    if (!code) { reportProblem(T.categoryNeeded); return; }
    if (onSpot && !note) { reportProblem(T.noteNeeded); return; }
    reportProblem("");
    var category = state.categories.filter(function (c) { return c.code === code; })[0];
    if (!state.me) { reportProblem(T.login); return; }
    var point = state.position || (state.me && state.me.region && state.me.region.lon !== null ? state.me.region : null);
    if (!point) { reportProblem(T.noPosition); return; }
    var title = $("report-title").value.trim() || (category ? category.name : code);
    var fields = [["title", title], ["category", code], ["lon", point.lon.toFixed(7)], ["lat", point.lat.toFixed(7)],
      ["crs", "wgs84"], ["occurred_at", occurredAt()], ["on_the_spot", onSpot ? "true" : "false"], ["note", note]];
    var button = $("report-send");
    button.disabled = true;
    Outbox.add({ user: state.me.id, label: T.report + " · " + title, url: root.dataset.events, fields: fields,
                 photos: photos.map(function (p) { return p.blob; }), item: null })
      .then(function () {
        remember(code);
        photos = [];
        $("report-form").reset();
        $("report-previews").replaceChildren();
        $("report-note-label").classList.add("hidden");
        renderRecent();
        reportProblem("");
        $("report-problem").textContent = "";
        button.disabled = false;
        return afterAction();
      });
  }

  // --- Household visits (when the households area is there) ------------------------------

  function detectVisits() {
    return getJson(root.dataset.api + "canvasses?status=running").then(function (answer) {
      var running = rows(answer);
      state.canvass = running.length ? running[0] : null;
      $("tab-visits").classList.toggle("hidden", !state.canvass);
      if (state.canvass) { loadVisits(); }
    }).catch(function () {
      // 404: this server has no canvasses; offline: the cached answer was used, or nothing.
      $("tab-visits").classList.add("hidden");
    });
  }

  function loadVisits() {
    var c = state.canvass, region = state.me && state.me.region;
    $("visits-canvass").textContent = c.title + (c.region_name ? " · " + c.region_name : "");
    var url = root.dataset.api + "canvasses/" + encodeURIComponent(c.number) + "/households?state=pending" +
      (region ? "&region=" + encodeURIComponent(region.id) : "");
    getJson(url).then(function (answer) {
      var list = $("visit-list"), households = rows(answer);
      list.replaceChildren();
      $("visits-empty").classList.toggle("hidden", households.length > 0);
      households.forEach(function (h) {
        var button = el("button", { type: "button", class: "primary", text: T.allWell });
        var card = el("li", { class: "card" }, [
          el("div", { class: "title", text: h.address || h.household }),
          el("div", { class: "meta", text: h.household + (h.persons_total ? " · " + h.persons_total + " " + T.persons : "") }), button
        ]);
        button.addEventListener("click", function () {
          button.disabled = true;
          Outbox.add({ user: state.me.id, label: T.allWell + " · " + h.household, url: root.dataset.api + "canvasses/" + encodeURIComponent(c.number) + "/visits",
                       json: { household: h.household, outcome: "visited" }, fields: [], photos: [], item: null })
            .then(function () { button.textContent = T.visited; return afterAction(); });
        });
        list.appendChild(card);
      });
    }).catch(function () {});
  }

  // --- Messages ------------------------------------------------------------------------------

  function loadMessages() {
    getJson(root.dataset.messages).then(function (answer) {
      var list = $("message-list"), messages = rows(answer);
      list.replaceChildren();
      $("messages-empty").classList.toggle("hidden", messages.length > 0);
      messages.forEach(function (m) {
        var when = new Date(m.created_at).toLocaleString();
        var text = m.url ? el("a", { href: m.url, text: m.text }) : el("span", { text: m.text });
        list.appendChild(el("li", { class: "card" + (m.read_at ? "" : " unread") }, [text, el("div", { class: "meta", text: when })]));
      });
    }).catch(function () {});
  }

  // --- The outbox: shown, and sent in order ------------------------------------------------

  function afterAction() {
    return renderOutbox().then(flush);
  }

  function renderOutbox() {
    return Outbox.all().then(function (all) {
      var list = $("outbox-list"), entries = all.filter(mine);
      list.replaceChildren();
      entries.forEach(function (entry) { list.appendChild(outboxRow(entry)); });
      $("outbox").classList.toggle("hidden", entries.length === 0);
      var waiting = entries.filter(function (e) { return e.state === "waiting" || e.state === "sending"; }).length;
      $("pending-count").textContent = waiting ? T.waiting + " " + waiting : "";
      $("pending-count").classList.toggle("hidden", !waiting);
      return entries;
    });
  }

  function outboxRow(entry) {
    var words = { waiting: T.waiting, sending: T.sending, conflict: T.conflict, refused: T.refused };
    var row = el("li", { class: "queued " + entry.state, "data-state": entry.state, "data-key": entry.key }, [
      el("span", { class: "label", text: entry.label }),
      el("span", { class: "state", text: words[entry.state] || entry.state })
    ]);
    if (entry.problem) { row.appendChild(el("div", { class: "problem", text: entry.problem })); }
    if (entry.state === "conflict" || entry.state === "refused") {
      var dismiss = el("button", { type: "button", class: "link", text: T.dismiss });
      dismiss.addEventListener("click", function () { Outbox.remove(entry.id).then(renderOutbox); });
      row.appendChild(dismiss);
    }
    return row;
  }

  function multipart(entry) {
    // Built here with a boundary of its own key, so a retry sends exactly the same bytes.
    var boundary = "gridgov" + entry.key.replace(/[^A-Za-z0-9]/g, "");
    var parts = [];
    entry.fields.forEach(function (f) {
      parts.push("--" + boundary + '\r\nContent-Disposition: form-data; name="' + f[0] + '"\r\n\r\n' + f[1] + "\r\n");
    });
    (entry.photos || []).forEach(function (blob, i) {
      parts.push("--" + boundary + '\r\nContent-Disposition: form-data; name="photos"; filename="photo-' + (i + 1) +
        '.jpg"\r\nContent-Type: image/jpeg\r\n\r\n', blob, "\r\n");
    });
    parts.push("--" + boundary + "--\r\n");
    return { body: new Blob(parts), type: "multipart/form-data; boundary=" + boundary };
  }

  function post(entry) {
    var headers = { Accept: "application/json", "Idempotency-Key": entry.key, "X-CSRFToken": csrfToken() };
    var body;
    if (entry.json) {
      body = JSON.stringify(entry.json);
      headers["Content-Type"] = "application/json";
    } else {
      var form = multipart(entry);
      body = form.body;
      headers["Content-Type"] = form.type;
    }
    return fetch(entry.url, { method: "POST", credentials: "same-origin", headers: headers, body: body });
  }

  function problemOf(response) {
    return response.json().then(function (body) {
      var text = body.detail || "";
      if (Array.isArray(body.errors)) {
        text += " " + body.errors.map(function (e) { return e.message || ""; }).join(" ");
      } else if (body.errors && typeof body.errors === "object") {
        text += " " + Object.keys(body.errors).map(function (k) { return k + ": " + body.errors[k]; }).join(" ");
      }
      return text.trim();
    }).catch(function () { return "HTTP " + response.status; });
  }

  function whatHappened(entry) {
    // A conflict: say what the item is now, and its last step, when the item can be read.
    if (!entry.item) { return Promise.resolve(""); }
    return getJson(root.dataset.api + entry.item.kind + "/" + encodeURIComponent(entry.item.number)).then(function (item) {
      var last = (item.timeline || []).slice(-1)[0];
      var step = last ? " · " + [last.action_label || last.action, last.actor_name || last.actor || "", last.note || ""].filter(Boolean).join(" ") : "";
      return T.now + " " + item.status_label + step;
    }).catch(function () { return ""; });
  }

  function sendOne(entry) {
    entry.state = "sending";
    return Outbox.put(entry).then(renderOutbox).then(function () { return post(entry); }).then(function (response) {
      if (response.ok) {
        return Outbox.remove(entry.id).then(function () { return "sent"; });
      }
      if (response.status === 401 || response.status >= 500 || response.status === 429) {
        entry.state = "waiting";
        entry.problem = response.status === 401 ? T.login : "";
        return Outbox.put(entry).then(function () { return "stop"; });
      }
      return problemOf(response).then(function (problem) {
        entry.state = response.status === 409 ? "conflict" : "refused";
        entry.problem = problem;
        if (response.status === 403 && /CSRF/i.test(problem)) { entry.state = "waiting"; entry.problem = T.login; }
        return (response.status === 409 ? whatHappened(entry) : Promise.resolve("")).then(function (now) {
          if (now) { entry.problem += " " + now; }
          return Outbox.put(entry).then(function () { return entry.state === "waiting" ? "stop" : "kept"; });
        });
      });
    }, function () {
      // No answer (no signal, or the connection dropped after the server answered): the same
      // key goes again later, and the server replays its first answer.
      entry.state = "waiting";
      return Outbox.put(entry).then(function () { return "stop"; });
    });
  }

  function flush() {
    if (state.sending || !navigator.onLine) { return Promise.resolve(); }
    state.sending = true;
    var sentAny = false;
    function next() {
      return Outbox.all().then(function (entries) {
        var entry = entries.filter(function (e) { return mine(e) && (e.state === "waiting" || e.state === "sending"); })[0];
        if (!entry) { return null; }
        return sendOne(entry).then(function (outcome) {
          if (outcome === "sent") { sentAny = true; }
          return outcome === "stop" ? null : next();
        });
      });
    }
    function sendMine() {
      return Outbox.all().then(function (entries) {
        if (!entries.some(function (e) { return e.state === "waiting" || e.state === "sending"; })) { return null; }
        return checkWhoIsSignedIn().then(function () { return state.me ? next() : null; });
      });
    }
    return sendMine().then(function () {
      state.sending = false;
      return renderOutbox();
    }, function () { state.sending = false; }).then(function () {
      if (sentAny) { loadTasks(); }
    });
  }

  // --- Start ---------------------------------------------------------------------------------

  function registerWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope }).catch(function () {});
  }

  function start() {
    registerWorker();
    showNet();
    route();
    window.addEventListener("hashchange", route);
    window.addEventListener("online", function () { showNet(); flush(); loadTasks(); });
    window.addEventListener("offline", showNet);
    $("report-form").addEventListener("submit", submitReport);
    $("sign-out").addEventListener("submit", signOut);
    $("report-category").addEventListener("change", markChip);
    $("report-on-the-spot").addEventListener("change", function (e) { $("report-note-label").classList.toggle("hidden", !e.target.checked); });
    $("report-photo").addEventListener("change", function (e) {
      Array.prototype.forEach.call(e.target.files, function (file) {
        photoWork = photoWork.then(function () { return addPhoto(file); }).catch(function () {});
      });
    });
    setInterval(flush, 15000);
    loadCategories();
    var position = locate().then(showPosition);
    var me = loadMe();
    me.then(renderOutbox).then(flush);
    Promise.all([me, position]).then(function () {
      loadTasks();
      detectVisits();
    });
  }

  start();
})();
