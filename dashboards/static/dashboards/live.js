// Live updates: the socket carries ids only. On an event the page asks htmx to
// re-fetch the parts that listen for it, through the ordinary access-checked views.
(function () {
  "use strict";
  var body = document.body;
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + body.dataset.liveUrl;
  var labels = {};
  try { labels = JSON.parse(document.getElementById("event-labels").textContent); } catch (e) {}
  var delay = 1000;

  function notice(text) {
    var box = document.getElementById("notices");
    if (!box || !text) return;
    var item = document.createElement("div");
    item.className = "notice";
    item.textContent = text;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  function connect() {
    var socket = new WebSocket(url);
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type === "joined") {
        body.dataset.live = "joined";
        delay = 1000;
        // whatever happened while disconnected: refresh once
        htmx.trigger(body, "hotline:ticket", {});
      } else if (data.type === "ticket") {
        htmx.trigger(body, "hotline:ticket", data);
        notice(labels[data.event]);
        // the ticket page is not redrawn under a half-typed form: it offers a refresh
        var page = document.querySelector('[data-ticket-id="' + data.ticket + '"] .stale-note');
        if (page) page.hidden = false;
      } else if (data.type === "call") {
        var pop = document.getElementById("screen-pop");
        if (pop && pop.dataset.url) {
          htmx.ajax("GET", pop.dataset.url.replace("/0/", "/" + data.call + "/"), {target: pop, swap: "innerHTML"});
        }
        htmx.trigger(body, "hotline:call", data);
      }
    };
    socket.onclose = function () {
      body.dataset.live = "reconnecting";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();  // loaded with defer: the document is parsed
})();
