// The phone's outbox: every action taken in the app (a report, a step of a task, a visit) is
// first written here, in IndexedDB, with the Idempotency-Key made at the moment of the action,
// then sent in the order taken. It survives closing the page; the server takes each key once,
// so an action whose answer was lost on the way back is sent again without being done twice.
(function () {
  "use strict";
  var DB = "gridgov-outbox", STORE = "actions", VERSION = 1;
  var opening = null;

  function open() {
    if (opening) { return opening; }
    opening = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, VERSION);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return opening;
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  var Outbox = {
    // entry: {user (the signed-in user's id: only they send it), label, url, fields: [[name, value]], photos: [Blob], json: object|null,
    //         item: {kind, number}|null}; the key and the time are added here.
    add: function (entry) {
      entry.key = newKey();
      entry.state = "waiting";
      entry.problem = "";
      entry.created_at = new Date().toISOString();
      return run("readwrite", function (store) { return store.add(entry); });
    },
    all: function () {
      return run("readonly", function (store) { return store.getAll(); });
    },
    put: function (entry) {
      return run("readwrite", function (store) { return store.put(entry); });
    },
    remove: function (id) {
      return run("readwrite", function (store) { return store.delete(id); });
    }
  };
  window.GridGovOutbox = Outbox;
})();
