// Photos are made small on the phone before they wait in the outbox: at most 1600 px on the
// long side, JPEG. The time the photo was taken is read from its EXIF DateTimeOriginal (the
// re-encoded JPEG has no EXIF), else the file's own time; the report sends it as occurred_at.
(function () {
  "use strict";
  var MAX_SIDE = 1600, QUALITY = 0.8;

  function readBytes(blob, length) {
    return blob.slice(0, length).arrayBuffer();
  }

  // DateTimeOriginal (0x9003) of a JPEG's Exif block, as an ISO time without zone, or null.
  function exifTakenAt(buffer) {
    var view = new DataView(buffer), offset = 2;
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) { return null; }
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset), size = view.getUint16(offset + 2);
      if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) {
        return fromTiff(view, offset + 10);
      }
      if ((marker & 0xff00) !== 0xff00) { return null; }
      offset += 2 + size;
    }
    return null;
  }

  function fromTiff(view, tiff) {
    var little = view.getUint16(tiff) === 0x4949;
    function u16(at) { return view.getUint16(at, little); }
    function u32(at) { return view.getUint32(at, little); }
    function find(ifd, tag) {
      if (ifd + 2 > view.byteLength) { return null; }
      var count = u16(ifd);
      for (var i = 0; i < count; i++) {
        var entry = ifd + 2 + i * 12;
        if (entry + 12 > view.byteLength) { return null; }
        if (u16(entry) === tag) { return entry; }
      }
      return null;
    }
    var exifPointer = find(tiff + u32(tiff + 4), 0x8769);
    if (exifPointer === null) { return null; }
    var entry = find(tiff + u32(exifPointer + 8), 0x9003);
    if (entry === null) { return null; }
    var at = tiff + u32(entry + 8), text = "";
    for (var i = 0; i < 19 && at + i < view.byteLength; i++) { text += String.fromCharCode(view.getUint8(at + i)); }
    var m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
    return m ? m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":" + m[6] : null;
  }

  // A local time from EXIF (the phone's clock, no zone) as an instant with the phone's offset.
  function withOffset(local) {
    var when = new Date(local);
    return isNaN(when.getTime()) ? null : when.toISOString();
  }

  function loadImage(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise(function (resolve, reject) {
      var image = new Image();
      image.onload = function () { resolve(image); };
      image.onerror = reject;
      image.src = URL.createObjectURL(file);
    });
  }

  function shrink(file) {
    return loadImage(file).then(function (image) {
      var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(image.width * scale);
      canvas.height = Math.round(image.height * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); });
    });
  }

  // {blob: JPEG ≤ 1600 px, taken_at: ISO instant}
  function prepare(file) {
    return readBytes(file, 128 * 1024).then(function (head) {
      var taken = exifTakenAt(head);
      var takenAt = (taken && withOffset(taken)) || new Date(file.lastModified || Date.now()).toISOString();
      return shrink(file).then(function (blob) { return { blob: blob, taken_at: takenAt }; });
    });
  }

  window.GridGovPhoto = { prepare: prepare, exifTakenAt: exifTakenAt, MAX_SIDE: MAX_SIDE };
})();
