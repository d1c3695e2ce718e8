// The live feed of the dashboard: plain JavaScript, no build step.
// It connects to /ws/dashboard/, resumes from the last event id it saw (so nothing is missed
// across a sleep or a server restart), answers heartbeats, and reconnects with backoff.
(function () {
  "use strict";
  const list = document.getElementById("live-feed");
  if (!list) return;
  const statusEl = document.getElementById("live-status");
  const counter = document.getElementById("unseen-count");
  const heartbeat = Number(list.dataset.heartbeat || 25) * 1000;
  let lastId = 0;
  let unseen = 0;
  let attempt = 0;
  let socket = null;
  let watchdog = null;

  const LABELS = {
    "case.shared": "shared",
    "case.unshared": "access ended",
    "case.withdrawn": "no longer shared",
    "case.updated": "updated",
    "case.note_added": "new note",
    "case.note_edited": "note edited",
    "case.note_redacted": "note redacted",
    "case.file_added": "new file",
    "case.file_redacted": "file redacted",
    "task.assigned": "task assigned",
    "task.status_changed": "task status",
    "task.updated": "task changed",
    "meeting.scheduled": "meeting scheduled",
    "meeting.updated": "meeting changed",
    "meeting.cancelled": "meeting cancelled",
    "meeting.rsvp": "answer",
    "meeting.withdrawn": "no longer shared",
    "training.registration": "registration",
    "taskforce.membership": "task force",
    "tip.received": "new tip",
    "tip.triaged": "tip",
    "deconfliction.match": "deconfliction",
  };

  // Times as the server writes them (portal/formats): 24-hour, in the viewer's zone (the
  // body's data-time-zone, not the browser's), with the zone's short name.
  const timeFormat = (() => {
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
    try {
      return new Intl.DateTimeFormat("en-US", { ...options, timeZone: document.body.dataset.timeZone });
    } catch (error) {
      return new Intl.DateTimeFormat("en-US", options);
    }
  })();

  function formatTime(iso) {
    const parts = timeFormat.formatToParts(new Date(iso));
    const part = (type) => (parts.find((p) => p.type === type) || {}).value || "";
    return part("hour") + ":" + part("minute") + " " + part("timeZoneName");
  }

  function setStatus(state) {
    statusEl.textContent = state;
    statusEl.dataset.state = state;
  }

  function link(href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  // A stored value as people read it: "registration_cancelled" is "Registration cancelled".
  function words(value) {
    const text = String(value || "").replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // Everything is inserted as text: nothing in an event can run as script.
  function describe(event) {
    const p = event.payload || {};
    const parts = [];
    // A tip, and a deconfliction notice: the other side is named by its agency and liaison
    // only (the server sends nothing more of it).
    if (p.tip) parts.push(link("/tips/" + Number(p.tip.id) + "/", "Tip " + Number(p.tip.id)));
    if (p.notice) {
      if (p.case && p.case.number) parts.push(link("/cases/" + Number(p.case.id) + "/", p.case.number + " " + (p.case.title || "")));
      const n = p.notice;
      const who = n.contact && n.contact.name ? n.contact.name + (n.contact.phone ? ", " + n.contact.phone : "") : "the agency";
      parts.push(document.createTextNode(" — a " + n.other_holds + " held by " + n.other_agency.name + " shares a " + String(n.kind_label || n.kind).toLowerCase() + "; contact " + who));
      return parts;
    }
    if (p.tip) {
      const where = p.tip.task_force ? " for " + p.tip.task_force.name : "";
      const text = event.kind === "tip.received"
        ? words(p.tip.source) + " tip" + where
        : words(p.status) + (p.agency ? " to " + p.agency.short_name : "");
      parts.push(document.createTextNode(" — " + text));
      return parts;
    }
    if (p.case && p.case.number) parts.push(link("/cases/" + p.case.id + "/", p.case.number + (p.case.title ? " " + p.case.title : "")));
    else if (p.case) parts.push(document.createTextNode("a case your agency had"));
    if (p.meeting && p.meeting.title) parts.push(link("/meetings/" + p.meeting.id + "/", p.meeting.title));
    else if (p.meeting) parts.push(document.createTextNode("a meeting"));
    if (p.task_force) parts.push(document.createTextNode(p.task_force.name));
    let text = "";
    if (p.task) {
      text = p.task.title + " — " + (p.task.assigned_agency ? p.task.assigned_agency.short_name + ", " : "") + words(p.task.status).toLowerCase();
    } else if (p.file) {
      text = p.file.name;
    } else if (p.note) {
      const who = p.note.author_agency ? p.note.author_agency.short_name + ": " : "";
      text = p.note.body ? who + p.note.body.slice(0, 200) : who + "(text removed)";
    } else if (p.agency && p.response) {
      text = p.agency.short_name + " " + words(p.response).toLowerCase();
    } else if (p.agency && p.level) {
      text = "with " + p.agency.short_name + " (" + words(p.level).toLowerCase() + ")";
    } else if (p.agency) {
      text = p.agency.short_name + (p.change ? " " + words(p.change).toLowerCase() : "");
    } else if (p.registration) {
      text = words(p.registration.status);
    } else if (p.status && p.fields && p.fields.indexOf("status") !== -1) {
      text = "now " + words(p.status).toLowerCase();
    } else if (p.reason) {
      text = p.reason;
    } else if (p.answers_reset) {
      text = "moved: please answer again";
    }
    if (text) parts.push(document.createTextNode(" — " + text));
    return parts;
  }

  function forget(selector) {
    document.querySelectorAll(".dashboard " + selector).forEach((el) => el.remove());
  }

  // Which panels an event may change. A panel reloads as the server renders it now (the
  // access policy decides what it holds), a moment after the last of a burst of events.
  const PANELS_OF = {
    case: ["cases", "tasks"],
    task: ["tasks"],
    meeting: ["upcoming", "trainings"],
    training: ["upcoming", "trainings"],
    tip: ["tips"],
  };
  const stale = new Set();
  let reloadTimer = null;

  function reloadPanels() {
    const names = Array.from(stale);
    stale.clear();
    names.forEach((name) => {
      const panel = document.querySelector('[data-panel="' + name + '"]');
      if (!panel) return;
      fetch(panel.dataset.url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then((response) => (response.ok && !response.redirected ? response.text() : null))
        .then((html) => {
          if (html === null) return;
          // The server escaped every value; parsed apart from the page, nothing runs.
          const fresh = new DOMParser().parseFromString(html, "text/html").body;
          panel.replaceChildren(...Array.from(fresh.childNodes));
          panel.dataset.loadedAfter = String(lastId);
        })
        .catch(() => {});
    });
  }

  function markStale(kind) {
    (PANELS_OF[kind.split(".")[0]] || []).forEach((name) => stale.add(name));
    if (!stale.size) return;
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(reloadPanels, 300);
  }

  function render(event, seen) {
    if (event.id <= lastId) return;
    lastId = event.id;
    const item = document.createElement("li");
    item.className = "feed-item" + (seen ? "" : " unseen");
    item.dataset.eventId = event.id;
    item.dataset.kind = event.kind;
    const meetingId = event.payload && event.payload.meeting && Number(event.payload.meeting.id);
    if (meetingId) item.dataset.meetingId = meetingId;
    const caseId = event.payload && event.payload.case && Number(event.payload.case.id);
    if (caseId) item.dataset.caseId = caseId;
    // A meeting or a case withdrawn from the agency takes along what the feed and the
    // panels showed of it, at once; the panels then reload from the server.
    if (event.kind === "meeting.withdrawn") forget('[data-meeting-id="' + meetingId + '"]');
    if (event.kind === "case.withdrawn") forget('[data-case-id="' + caseId + '"]');
    const label = document.createElement("span");
    label.className = "badge kind";
    label.textContent = LABELS[event.kind] || event.kind;
    const time = document.createElement("time");
    time.dateTime = event.created_at;
    time.textContent = formatTime(event.created_at);
    item.append(time, " ", label, " ", ...describe(event));
    list.prepend(item);
    document.body.classList.add("has-events");
    if (!seen) {
      unseen += 1;
      counter.textContent = String(unseen);
      counter.hidden = false;
    }
  }

  function markSeen() {
    unseen = 0;
    counter.hidden = true;
    list.querySelectorAll(".unseen").forEach((el) => el.classList.remove("unseen"));
  }

  function armWatchdog() {
    clearTimeout(watchdog);
    // No heartbeat for two intervals: the connection is half-open; start again.
    watchdog = setTimeout(() => socket && socket.close(), 2 * heartbeat + 1000);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(scheme + "://" + location.host + "/ws/dashboard/?since=" + lastId);
    setStatus(attempt ? "reconnecting" : "connecting");
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      armWatchdog();
      if (data.type === "ready") {
        attempt = 0;
        setStatus("live");
      } else if (data.type === "heartbeat") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else {
        render(data, false);
        markStale(data.kind || "");
      }
    };
    socket.onclose = (event) => {
      clearTimeout(watchdog);
      if (event.code === 4401 || event.code === 4403) {
        setStatus("signed out");
        return;
      }
      if (event.code === 4400) {
        // The server refused the request itself: the same request would fail again.
        setStatus("error");
        return;
      }
      setStatus("reconnecting");
      const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      setTimeout(connect, delay);
    };
  }

  const recent = JSON.parse(document.getElementById("recent-events").textContent);
  recent.forEach((event) => render(event, true));
  lastId = Math.max(lastId, Number(list.dataset.lastEventId || 0));
  counter.addEventListener("click", markSeen);
  // The person is using the page (portal.js): the socket stays open only while they do.
  document.addEventListener("crossroads:active", () => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "active" }));
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && socket && socket.readyState > 1) connect();
  });
  connect();
})();
