/* Push notifications on this phone: shown only where the browser can receive them.
   Without JavaScript (or without Web Push) its buttons stay hidden; the list of devices,
   with a form to remove each, works on its own. */
(function () {
  "use strict";
  var box = document.getElementById("push-controls");
  if (!box) { return; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    // iPhones and iPads receive Web Push only in the app added to the home screen: say so.
    var hint = document.getElementById("push-home-screen");
    if (hint && /iPhone|iPad/.test(navigator.userAgent) && !navigator.standalone) { hint.hidden = false; }
    return;
  }
  var on = document.getElementById("push-on");
  var off = document.getElementById("push-off");
  var status = document.getElementById("push-status");

  function say(text) { status.textContent = text; }
  function show(subscribed) { on.hidden = subscribed; off.hidden = !subscribed; }

  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  // Only our own messages reach the page: the browser's are in its own language and technical.
  function Refusal(message) { this.message = message; }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Refusal(data.error || box.dataset.failed); }
        return data;
      });
    });
  }

  function registration() {
    return navigator.serviceWorker.register(box.dataset.worker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  function failed(error) {
    say(error instanceof Refusal ? error.message : box.dataset.failed);
    on.disabled = off.disabled = false;
  }

  on.addEventListener("click", function () {
    on.disabled = true;
    say("");
    Promise.resolve(Notification.requestPermission()).then(function (permission) {
      if (permission !== "granted") { throw new Refusal(box.dataset.denied); }
      return registration();
    }).then(function (worker) {
      return worker.pushManager.getSubscription().then(function (existing) {
        return existing || worker.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key)
        });
      });
    }).then(function (subscription) {
      return post(box.dataset.subscribe, subscription.toJSON());
    }).then(function (answer) {
      on.disabled = false;
      show(true);
      say(answer.message);
    }).catch(failed);
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    navigator.serviceWorker.getRegistration("/").then(function (worker) {
      return worker ? worker.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      if (!subscription) { return { message: box.dataset.off }; }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(box.dataset.unsubscribe, { endpoint: endpoint });
      });
    }).then(function (answer) {
      off.disabled = false;
      show(false);
      say(answer.message);
    }).catch(failed);
  });

  navigator.serviceWorker.getRegistration("/").then(function (worker) {
    return worker ? worker.pushManager.getSubscription() : null;
  }).then(function (subscription) {
    show(Boolean(subscription) && Notification.permission === "granted");
    box.hidden = false;
  }).catch(function () { box.hidden = false; show(false); });
}());
