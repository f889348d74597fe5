/* ent_lite service worker, served at /sw.js. Its only jobs: show a push notification, and open
   the app where it points when tapped. It has no fetch handler and caches nothing. */
"use strict";

var ICON = "/static/icons/icon-192.png";

function sameOriginUrl(value) {
  // Only a page of this site: a push can never send the person elsewhere.
  try {
    var url = new URL(typeof value === "string" ? value : "/", self.location.origin);
    return url.origin === self.location.origin ? url.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  event.waitUntil(self.registration.showNotification(String(data.title || "ent_lite"), {
    body: String(data.body || ""),
    icon: ICON,
    data: { url: sameOriginUrl(data.url) }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (new URL(windows[i].url).origin === self.location.origin) {
        var open = windows[i];
        return open.focus().then(function (client) { return client.navigate(target); })
          .catch(function () { return self.clients.openWindow(target); });
      }
    }
    return self.clients.openWindow(target);
  }));
});
