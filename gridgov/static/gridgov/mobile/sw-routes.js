// The phone app's service worker (loaded by /m/sw.js after Workbox and the precache list).
// - The shell and its files are precached: the app opens with no signal.
// - What the app reads (my tasks, messages, who I am, the categories, my micro-grid's outline,
//   the canvass lists) is fetched from the network first and kept for when there is none.
// - Opening /m/ with no signal: the precached shell (the precache answers it, query or not).
// - Leaflet is kept once it was loaded (the outline's map).
// - Writes are never touched here: the page's outbox (IndexedDB) sends them itself, with keys.
/* global workbox */
(function () {
  "use strict";
  var API_CACHE = "gridgov-mobile-api", STATIC_CACHE = "gridgov-mobile-static";
  var READS = [
    /\/api\/v1\/mobile\//,
    /\/api\/v1\/event-categories$/,
    /\/api\/v1\/regions\/[^/]+\/children\.geojson$/,
    /\/api\/v1\/canvasses(\/[^/]+\/households)?$/
  ];

  self.skipWaiting();
  workbox.core.clientsClaim();
  workbox.precaching.cleanupOutdatedCaches();
  workbox.precaching.precacheAndRoute(self.GRIDGOV_PRECACHE, { ignoreURLParametersMatching: [/.*/] });

  // The list of my tasks is asked for with the phone's position: kept under one key, so the
  // last list answers offline wherever the phone now is.
  var oneKeyForTasks = {
    cacheKeyWillBeUsed: function (params) {
      var url = new URL(params.request.url);
      if (url.pathname.endsWith("/mobile/tasks")) { url.search = ""; }
      return url.href;
    }
  };
  var onlyGood = { cacheWillUpdate: function (params) { return params.response && params.response.status === 200 ? params.response : null; } };

  workbox.routing.registerRoute(
    function (ctx) {
      // ?fresh: the page asks the server itself (who is signed in, before sending the outbox).
      return ctx.request.method === "GET" && ctx.url.origin === self.location.origin &&
        !ctx.url.searchParams.has("fresh") && READS.some(function (re) { return re.test(ctx.url.pathname); });
    },
    new workbox.strategies.NetworkFirst({ cacheName: API_CACHE, networkTimeoutSeconds: 6, plugins: [oneKeyForTasks, onlyGood] })
  );
  workbox.routing.registerRoute(
    function (ctx) { return ctx.url.origin === self.location.origin && /\/vendor\/leaflet\//.test(ctx.url.pathname); },
    new workbox.strategies.CacheFirst({ cacheName: STATIC_CACHE, plugins: [onlyGood] })
  );
})();
