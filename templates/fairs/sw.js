/* The ticket service worker (scope /fairs/tickets/): a ticket page opened once, or listed on
   "My tickets", opens again without signal. Network first, so a ticket is never older than
   the last visit with signal; the saved copy only when the network fails or is too slow. */
"use strict";
var CACHE = "{{ cache_name }}";
var TICKET = /^\/fairs\/tickets\/\d+\/$/;
var SLOW_MS = 4000;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("mrc-tickets-") === 0 && n !== CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var ticket = TICKET.test(url.pathname);
  if (!ticket && url.pathname.indexOf("/static/") !== 0) return;
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(url.pathname, { ignoreVary: true }).then(function (saved) {
      var network = fetch(request).then(function (response) {
        // Only a real page: a redirect to the sign-in page or an error is not a ticket.
        if (response.ok && response.type === "basic" && !response.redirected) {
          cache.put(url.pathname, response.clone());
        }
        return response;
      });
      if (!saved) return network;
      var slow = new Promise(function (resolve) { setTimeout(resolve, SLOW_MS, saved); });
      return Promise.race([network.catch(function () { return saved; }), slow]);
    });
  }));
});
