/* Keeps the worker's tickets on the phone (see the service worker at /fairs/tickets/sw.js).
   The pages work the same without it: nothing here is needed to show a ticket. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !("serviceWorker" in navigator) || !window.caches) return;
  navigator.serviceWorker.register(me.getAttribute("data-worker"), {
    scope: me.getAttribute("data-scope")
  }).catch(function () {});
  var urls = [];
  document.querySelectorAll("[data-offline-ticket]").forEach(function (el) {
    urls.push(el.getAttribute("href") || location.pathname);
  });
  document.querySelectorAll("link[rel=stylesheet]").forEach(function (el) {
    urls.push(new URL(el.href).pathname);
  });
  caches.open(me.getAttribute("data-cache")).then(function (cache) {
    urls.forEach(function (url) {
      // Fetched once; after that the service worker refreshes it on every visit.
      cache.match(url, { ignoreVary: true }).then(function (saved) {
        if (saved) return;
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        });
      }).catch(function () {});
    });
  });
})();
