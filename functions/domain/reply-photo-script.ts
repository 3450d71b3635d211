/**
 * The reply page's one script: makes a phone's photos small enough to send before the form goes.
 *
 * A photo from a phone camera is 2 to 6 MB, and one POST carries at most `REPLY_BODY_MAX_BYTES`
 * (4 MiB: Lambda's 6 MB synchronous payload after API Gateway's base64). Without this, a customer
 * who chose two photos got "too large" and lost what they wrote, since the server cannot read a body
 * it refuses. The script runs only when the chosen files do not fit (or an image is over the size
 * per file): it redraws each JPEG, PNG or WebP photo on a canvas at a smaller size and JPEG quality,
 * step by step, until the files fit, then sends the form with the smaller files. When even the
 * smallest step does not fit (a large PDF, say), it sends nothing and says so, with the text kept.
 * A file it cannot decode (HEIC where the browser cannot read it) goes as chosen, and a redrawn photo
 * replaces the original only when it is smaller. Without JavaScript the form is a plain multipart
 * POST and the server's limits answer as before.
 *
 * Static text (no value is interpolated): the page allows exactly it by its hash in the
 * Content-Security-Policy. What it reads comes from the form's `data-` attributes, which the server
 * renders escaped: `data-total-bytes`, `data-max-bytes`, and the localized `data-hint`,
 * `data-shrinking` and `data-too-large`.
 */
export const REPLY_PHOTO_SCRIPT = `(function () {
  'use strict';
  var form = document.getElementById('reply');
  var input = document.getElementById('files');
  var status = document.getElementById('files-status');
  if (!form || !input || !status || typeof DataTransfer !== 'function' || typeof createImageBitmap !== 'function' || !form.requestSubmit) return;
  var data = form.dataset;
  var totalBytes = Number(data.totalBytes);
  var maxBytes = Number(data.maxBytes);
  var hint = document.getElementById('files-hint');
  if (hint && data.hint) hint.textContent = data.hint;
  // Long edge in pixels and JPEG quality, tried in turn until the files fit.
  var steps = [[2560, 0.85], [2048, 0.8], [1600, 0.75], [1280, 0.7], [1024, 0.6]];
  var photo = /^image\\/(jpeg|png|webp)$/;
  function room() {
    // The text (UTF-8, its line breaks sent as CRLF), the other fields and each part's headers.
    return totalBytes - 16384 - new TextEncoder().encode(form.elements.text.value).length * 2;
  }
  function sum(files) {
    return files.reduce(function (n, f) { return n + f.size + 512; }, 0);
  }
  function needsShrinking(files) {
    return sum(files) > room() || files.some(function (f) { return photo.test(f.type) && f.size > maxBytes; });
  }
  function shrink(file, edge, quality) {
    if (!photo.test(file.type)) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: 'from-image' }).then(function (image) {
      var scale = Math.min(1, edge / Math.max(image.width, image.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(image.width * scale));
      canvas.height = Math.max(1, Math.round(image.height * scale));
      var g = canvas.getContext('2d');
      // JPEG has no transparency: a PNG's transparent parts become white, not black.
      g.fillStyle = '#ffffff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) image.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, 'image/jpeg', quality); });
    }).then(function (blob) {
      if (!blob || blob.size >= file.size) return file;
      return new File([blob], file.name.replace(/\\.[^.]*$/, '') + '.jpg', { type: 'image/jpeg', lastModified: file.lastModified });
    }, function () { return file; });
  }
  var sending = false;
  addEventListener('pageshow', function () { sending = false; });
  form.addEventListener('submit', function (event) {
    if (sending) return;
    var chosen = Array.prototype.slice.call(input.files || []);
    if (chosen.length === 0 || !needsShrinking(chosen)) return;
    event.preventDefault();
    var button = event.submitter || form.querySelector('button');
    button.disabled = true;
    status.className = 'hint status';
    status.textContent = data.shrinking;
    var step = 0;
    function next(files) {
      if (!needsShrinking(files)) return done(files);
      if (step === steps.length) return refuse();
      var s = steps[step++];
      Promise.all(chosen.map(function (f) { return shrink(f, s[0], s[1]); })).then(next);
    }
    function done(files) {
      var list = new DataTransfer();
      files.forEach(function (f) { list.items.add(f); });
      input.files = list.files;
      status.textContent = '';
      button.disabled = false;
      sending = true;
      form.requestSubmit(button);
    }
    function refuse() {
      button.disabled = false;
      status.className = 'error status';
      status.textContent = data.tooLarge;
      input.setAttribute('aria-invalid', 'true');
    }
    next(chosen);
  });
})();`;
