/* One background job's page: follows the job by asking the API (GET /api/jobs/{id}/) every
   two seconds, moves the progress bar and the status line (aria-live), and once the job has
   ended shows its result (summary, download link) or its error (with the "run again"
   button), then stops asking. No inline script or style (CSP); the words come from the
   page (json_script "job-texts"). Without this script the page shows the state it was
   rendered in. */
(function () {
  "use strict";

  var INTERVAL = 2000;
  var ENDED = { done: true, failed: true };

  function fill(format, values) {
    return format.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  // The API's times are in the site's time zone (ISO 8601 with its offset): shown as they
  // are, like the page's own, whatever the browser's zone.
  function when(value) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(value || "");
    if (!parts) return "—";
    return parts[3] + "/" + parts[2] + "/" + parts[1] + " " + parts[4] + ":" + parts[5] + ":" + parts[6];
  }

  function init() {
    var card = document.querySelector("[data-job-api]");
    var textsNode = document.getElementById("job-texts");
    if (!card || !textsNode) return;
    var texts = JSON.parse(textsNode.textContent);
    var bar = card.querySelector("progress");
    var line = card.querySelector("[data-job-text]");
    var polling = card.querySelector("[data-job-polling]");
    var url = card.getAttribute("data-job-api");
    var shown = "";

    function show(job) {
      card.setAttribute("data-job-status", job.status);
      bar.value = job.percent;
      bar.textContent = job.percent + "%";
      var text = (texts.statuses[job.status] || job.status) + ": " +
        fill(texts.done, { done: job.progress_done, percent: job.percent });
      if (job.progress_total !== null && job.progress_total !== undefined) {
        text += " · " + fill(texts.total, { total: job.progress_total });
      }
      if (text !== shown) {  // a live region re-read only when something changed
        line.textContent = text;
        shown = text;
      }
      card.querySelector("[data-job-started]").textContent = when(job.started_at);
      card.querySelector("[data-job-finished]").textContent = when(job.finished_at);
      var done = card.querySelector("[data-job-done]");
      var failed = card.querySelector("[data-job-failed]");
      done.hidden = job.status !== "done";
      failed.hidden = job.status !== "failed";
      if (job.status === "done") {
        card.querySelector("[data-job-summary]").textContent = job.summary || "";
        var file = card.querySelector("[data-job-file]");
        file.hidden = !job.download_url;
        if (job.download_url) {
          card.querySelector("[data-job-download]").setAttribute("href", job.download_url);
          card.querySelector("[data-job-file-name]").textContent =
            job.result_name ? "(" + job.result_name + ")" : "";
        }
      }
      if (job.status === "failed") {
        card.querySelector("[data-job-error]").textContent = job.error || "";
      }
    }

    function ask() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401 || response.status === 403 || response.status === 404) {
            return null;  // signed out, or the job is gone: nothing more to follow
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (job) {
          if (job === null) {
            line.textContent = texts.gone;
            if (polling) polling.hidden = true;
            return;
          }
          show(job);
          if (ENDED[job.status]) {
            if (polling) polling.hidden = true;
            return;
          }
          window.setTimeout(ask, INTERVAL);
        })
        .catch(function () {
          line.textContent = texts.unreachable;
          shown = "";
          window.setTimeout(ask, INTERVAL * 2);
        });
    }

    if (!ENDED[card.getAttribute("data-job-status")]) {
      window.setTimeout(ask, INTERVAL);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
