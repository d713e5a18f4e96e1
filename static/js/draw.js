// The canvas page: draw with any pointer, send the drawing to /api/recognize/, show what the network read,
// and let the visitor say whether it was right (POST /api/submissions/<id>/feedback/).
"use strict";

(() => {
  // Points and the pen width are in units of the canvas height, so a resize redraws the same shapes.
  const PEN_WIDTH = 0.035;
  // Black ink on a transparent canvas: in the exported PNG the ink is in the alpha channel.
  const INK = "#000";
  const PAUSE_MS = 600;

  const app = document.getElementById("app");
  const frame = document.getElementById("pad-frame");
  const canvas = document.getElementById("pad");
  const ctx = canvas.getContext("2d");
  const buttons = {
    undo: document.getElementById("undo"),
    clear: document.getElementById("clear"),
    read: document.getElementById("read"),
  };
  const factType = document.getElementById("fact-type");
  const resultSection = document.getElementById("result");
  const statusLine = document.getElementById("status");
  // The number, fact and feedback in one card, the per-digit details in another: shown and faded together.
  const readingParts = [document.getElementById("reading"), document.getElementById("digit-section")];
  const numberOut = document.getElementById("number");
  const confidenceOut = document.getElementById("confidence");
  const doubtOut = document.getElementById("doubt");
  const compare = document.getElementById("compare");
  const compareRows = [...compare.querySelectorAll("tr[data-arch]")];
  const digitList = document.getElementById("digits");
  const digitTemplate = document.getElementById("digit-template");
  const fact = {
    box: document.getElementById("fact"),
    number: document.getElementById("fact-number"),
    text: document.getElementById("fact-text"),
    source: document.getElementById("fact-source"),
  };
  const feedback = document.getElementById("feedback");
  const feedbackTemplate = document.getElementById("feedback-template");

  const strokes = [];
  let drawing = null;       // {pointerId, points, rect} while a pointer is down
  let pauseTimer = 0;
  let generation = 0;       // bumped by every request and every change; older responses are ignored
  let inFlight = null;      // AbortController of the current request
  // One drawing is one submission: the first reading stores it, every later reading of the same canvas replaces
  // its reading ({drawing: id}). Clear (or judging it) starts a new one. The first reading is never aborted, so
  // its id always arrives; a later reading waits for it.
  let drawingId = null;
  let firstReading = null;  // the promise of the first reading's answer while it is on its way
  let canvasEpoch = 0;      // bumped by Clear, so a late first answer does not adopt the new drawing

  // ---- drawing -------------------------------------------------------------------------------

  function penStyle() {
    ctx.setTransform(canvas.height, 0, 0, canvas.height, 0, 0);
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = PEN_WIDTH;
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
  }

  function drawPath(points) {
    if (points.length === 1) {
      const [x, y] = points[0];
      ctx.beginPath();
      ctx.arc(x, y, PEN_WIDTH / 2, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    ctx.beginPath();
    ctx.moveTo(...points[0]);
    for (const p of points.slice(1)) ctx.lineTo(...p);
    ctx.stroke();
  }

  function redraw() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    penStyle();
    strokes.forEach(drawPath);
  }

  // The backing store is the CSS size times devicePixelRatio, so strokes stay sharp on HiDPI screens.
  function fitToScreen() {
    const { width, height } = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(width * ratio));
    canvas.height = Math.max(1, Math.round(height * ratio));
    redraw();
  }

  // Zooming or moving the window to another screen changes the ratio without resizing the element.
  function watchPixelRatio() {
    matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`)
      .addEventListener("change", () => { fitToScreen(); watchPixelRatio(); }, { once: true });
  }

  function pointAt(event, rect) {
    return [(event.clientX - rect.left) / rect.height, (event.clientY - rect.top) / rect.height];
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (drawing || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    const rect = canvas.getBoundingClientRect();
    const points = [pointAt(event, rect)];
    drawing = { pointerId: event.pointerId, points, rect };
    strokes.push(points);
    changed();
    penStyle();
    drawPath(points);
  });

  canvas.addEventListener("pointermove", (event) => {
    if (!drawing || event.pointerId !== drawing.pointerId) return;
    const coalesced = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    const fresh = (coalesced.length ? coalesced : [event]).map((e) => pointAt(e, drawing.rect));
    const from = drawing.points[drawing.points.length - 1];
    drawing.points.push(...fresh);
    penStyle();
    drawPath([from, ...fresh]);
  });

  function endStroke(event) {
    if (!drawing || event.pointerId !== drawing.pointerId) return;
    drawing = null;
    scheduleReading();
  }
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);
  canvas.addEventListener("lostpointercapture", endStroke);

  // ---- editing -------------------------------------------------------------------------------

  function changed() {
    generation += 1;
    inFlight?.abort();
    inFlight = null;
    clearTimeout(pauseTimer);
    resultSection.removeAttribute("aria-busy");
    readingParts.forEach((part) => part.classList.add("outdated"));
    const empty = strokes.length === 0;
    frame.classList.toggle("empty", empty);
    for (const button of Object.values(buttons)) button.disabled = empty;
  }

  function undo() {
    if (drawing || !strokes.length) return;
    strokes.pop();
    changed();
    redraw();
    if (strokes.length) scheduleReading();
    else {
      forgetDrawing();
      forgetResult("Undone. The canvas is empty.");
    }
  }

  function clear() {
    if (drawing || !strokes.length) return;
    strokes.length = 0;
    forgetDrawing();
    changed();
    redraw();
    forgetResult("Cleared. Draw a digit or a number.");
  }

  function forgetDrawing() {
    drawingId = null;
    canvasEpoch += 1;
  }

  function forgetResult(message) {
    showReadingParts(false);
    numberOut.textContent = "";
    confidenceOut.textContent = "";
    digitList.replaceChildren();
    forgetFeedback();
    say(message);
  }

  buttons.undo.addEventListener("click", undo);
  buttons.clear.addEventListener("click", clear);
  buttons.read.addEventListener("click", readDrawing);
  factType.addEventListener("change", () => { if (strokes.length && !drawing) readDrawing(); });
  compare.addEventListener("toggle", () => { if (compare.open && strokes.length && !drawing) readDrawing(); });

  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const mod = event.ctrlKey || event.metaKey;
    if ((mod && event.key.toLowerCase() === "z" && !event.shiftKey) || (event.key === "Backspace" && !mod)) {
      event.preventDefault();
      undo();
    } else if (event.key === "Escape") {
      clear();
    }
  });

  // ---- reading -------------------------------------------------------------------------------

  function scheduleReading() {
    clearTimeout(pauseTimer);
    pauseTimer = setTimeout(readDrawing, PAUSE_MS);
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function readDrawing({ retried = false } = {}) {
    clearTimeout(pauseTimer);
    if (!strokes.length) return;
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const ticket = ++generation;
    resultSection.setAttribute("aria-busy", "true");
    // A reading on screen fades while the next one comes, instead of the page jumping around it.
    const showing = !readingParts[0].hidden;
    readingParts.forEach((part) => part.classList.add("outdated"));
    say("Reading…", { spokenOnly: showing });

    if (firstReading) await firstReading;
    if (ticket !== generation) return;
    const payload = { image: canvas.toDataURL("image/png"), fact_type: factType.value };
    if (drawingId) payload.drawing = drawingId;
    if (compare.open && compareRows.length) payload.models = compareRows.map((row) => row.dataset.arch);
    const epoch = canvasEpoch;
    const request = (async () => {
      const response = await fetch(app.dataset.recognizeUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(payload),
        signal: payload.drawing ? controller.signal : undefined,
      });
      const body = await response.json().catch(() => null);
      if (response.ok && body?.submission_id && epoch === canvasEpoch) drawingId = body.submission_id;
      return { response, body };
    })();
    if (!payload.drawing) firstReading = request.catch(() => null).finally(() => { firstReading = null; });

    let response;
    let body = null;
    try {
      ({ response, body } = await request);
    } catch (error) {
      if (ticket === generation) finish(() => sayError("Could not reach the server. Check the connection and try again."));
      return;
    }
    if (ticket !== generation) return;
    // The drawing it replaced was judged, deleted or is not ours any more: store this one as a new drawing.
    if (payload.drawing && [403, 404, 409].includes(response.status) && !retried) {
      drawingId = null;
      readDrawing({ retried: true });
      return;
    }
    finish(() => {
      if (response.ok && body && body.number !== undefined) showReading(body);
      else sayError(body?.error?.message || `The server could not read the drawing (HTTP ${response.status}).`);
    });
  }

  function finish(show) {
    inFlight = null;
    resultSection.removeAttribute("aria-busy");
    show();
  }

  // One decimal, without claiming a certainty of 0% or 100% that rounding made up.
  function percent(p) {
    if (p < 0.001) return "<0.1%";
    if (p > 0.999) return ">99.9%";
    return `${(p * 100).toFixed(1)}%`;
  }

  // Not sure: name the likeliest other reading, "9 — or is it a 3?", changing the least certain digit.
  function showDoubt(result) {
    const weakest = result.digits.reduce((low, d, i) => (d.confidence < result.digits[low].confidence ? i : low), 0);
    const other = result.digits[weakest]?.alternatives?.[0];
    doubtOut.hidden = result.sure || !other;
    if (doubtOut.hidden) return;
    const otherNumber = result.digits.map((d, i) => (i === weakest ? other.digit : d.digit)).join("");
    doubtOut.textContent = `${result.number} — or is it ${otherNumber}? Say below which it was.`;
  }

  function showComparison(result) {
    const readings = Object.fromEntries((result.models || []).map((m) => [m.arch, m]));
    for (const row of compareRows) {
      const reading = readings[row.dataset.arch];
      row.querySelector(".compare-reads").textContent = reading ? shownReading(reading) : "–";
      row.querySelector(".compare-sure").textContent = reading ? (reading.sure ? "sure" : "not sure") : "–";
    }
  }

  // What was read as people write it: "12 + 7 × 3", a leading minus kept on its number ("−5 + 2").
  function spaced(expression) {
    const tokens = expression.match(/[0-9]+|[^0-9]/g) || [];
    if (tokens[0] === "-" && tokens.length > 1) tokens.splice(0, 2, `−${tokens[1]}`);
    return tokens.map((t) => (t === "-" ? "−" : t)).join(" ");
  }

  function shownReading(result) {
    if (result.kind !== "expression") return result.number;
    return `${spaced(result.expression)} = ${result.result ?? "?"}`;
  }

  function showReading(result) {
    const expression = result.kind === "expression";
    const parts = expression ? result.symbols : result.digits;
    const sure = parts.reduce((product, d) => product * d.confidence, 1);
    numberOut.textContent = shownReading(result);
    confidenceOut.textContent = `${percent(sure)} sure`;
    if (expression) {
      doubtOut.hidden = !result.problem;
      doubtOut.textContent = result.problem ? `No result: ${result.problem}.` : "";
    } else {
      showDoubt(result);
    }
    showComparison(result);
    digitList.replaceChildren(...(expression ? result.symbols.map(symbolItem) : result.digits.map(digitItem)));
    showFact(result.fact);
    askForFeedback(result.submission_id);
    showReadingParts(true);
    say(`Read ${shownReading(result)}, ${percent(sure)} sure.`, { spokenOnly: true });
  }

  // The classes a symbol's probabilities are over come from the server, one character each.
  const SYMBOL_CLASSES = Array.from(document.getElementById("app").dataset.symbolClasses || "");
  const SYMBOL_ROWS = 4;    // the likeliest classes shown for a symbol of an expression

  // One card per symbol read: what the network saw, what it read, how sure, and probability rows.
  function readItem({ input, value, confidence, seen, probsLabel, rows }) {
    const item = digitTemplate.content.firstElementChild.cloneNode(true);
    const image = item.querySelector("img");
    image.src = input;
    image.alt = `${seen}: a 28 by 28 pixel image`;
    item.querySelector(".digit-value").textContent = value;
    item.querySelector(".digit-confidence").textContent = `${percent(confidence)} sure`;
    const probs = item.querySelector(".probs");
    probs.setAttribute("aria-label", probsLabel);
    probs.replaceChildren(...rows);
    return item;
  }

  function symbolItem(s, index) {
    const ranked = s.probabilities.map((p, k) => [k, p]).sort((a, b) => b[1] - a[1]).slice(0, SYMBOL_ROWS);
    return readItem({
      input: s.input, value: s.symbol, confidence: s.confidence,
      seen: `What the networks saw for symbol ${index + 1}`,
      probsLabel: `Likeliest symbols for symbol ${index + 1}`,
      rows: ranked.map(([k, p], rank) => probabilityRow(SYMBOL_CLASSES[k] ?? k, p, rank === 0)),
    });
  }

  function digitItem(d, index) {
    return readItem({
      input: d.input, value: d.digit, confidence: d.confidence,
      seen: `What the network saw for digit ${index + 1}`,
      probsLabel: `Probabilities for digit ${index + 1}`,
      rows: d.probabilities.map((p, digit) => probabilityRow(digit, p, digit === d.digit)),
    });
  }

  function probabilityRow(digit, p, chosen) {
    const row = document.createElement("li");
    row.className = chosen ? "prob chosen" : "prob";
    const label = document.createElement("span");
    label.className = "prob-digit";
    label.textContent = digit;
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.setAttribute("aria-hidden", "true");
    const fill = document.createElement("span");
    fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
    bar.append(fill);
    const value = document.createElement("span");
    value.className = "prob-value";
    value.textContent = percent(p);
    const colon = document.createElement("span");
    colon.className = "visually-hidden";
    colon.textContent = ": ";
    row.append(label, colon, bar, value);
    return row;
  }

  const SOURCES = { numbersapi: "Numbers API", computed: "computed by digitsite" };

  function showFact(found) {
    fact.box.hidden = !found;
    if (!found) return;
    fact.number.textContent = found.number;
    fact.text.textContent = found.text;
    fact.source.textContent = SOURCES[found.source] || found.source;
  }

  function say(message, { spokenOnly = false } = {}) {
    statusLine.classList.remove("error");
    // Once a reading is shown, the big number says it; the status stays for screen readers.
    statusLine.classList.toggle("visually-hidden", spokenOnly);
    statusLine.textContent = message;
  }

  function showReadingParts(shown) {
    for (const part of readingParts) {
      part.hidden = !shown;
      part.classList.remove("outdated");
    }
  }

  function sayError(message) {
    showReadingParts(false);
    statusLine.classList.remove("visually-hidden");
    statusLine.classList.add("error");
    statusLine.textContent = message;
  }

  // ---- feedback ------------------------------------------------------------------------------

  // The most digits a label may have comes from the server (data-max-digits), like the form's pattern. A sum is
  // typed with + - x * / or the signs themselves (12+7x3); the server says whether it is one.
  const MAX_DIGITS = Number(feedback.dataset.maxDigits);
  const NUMBER = new RegExp(`^[0-9]{1,${MAX_DIGITS}}$`);
  const SUM = /^(?=.*[0-9])(?=.*[-+−×xX*·/÷:])[-+−×xX*·/÷:=0-9 ]+$/;
  const LABEL = { test: (text) => NUMBER.test(text) || SUM.test(text) };
  const LABEL_RULE = `Type the number you drew, as 1 to ${MAX_DIGITS} digits, like 47, or the sum, like 12+7x3.`;

  function forgetFeedback() {
    feedback.replaceChildren();
    delete feedback.dataset.submissionId;
  }

  function feedbackUrl(submissionId) {
    return feedback.dataset.feedbackUrl.replace("/0/", `/${encodeURIComponent(submissionId)}/`);
  }

  // Each reading gets a fresh box; an answer that comes back after the next reading finds its box gone.
  function askForFeedback(submissionId) {
    forgetFeedback();
    feedback.dataset.submissionId = submissionId;
    feedback.append(feedbackTemplate.content.cloneNode(true));
    const ask = feedback.querySelector(".feedback-ask");
    const message = feedback.querySelector(".feedback-message");
    const right = ask.querySelector(".feedback-right");
    const wrong = ask.querySelector(".feedback-wrong");
    const form = ask.querySelector(".feedback-form");
    const input = form.elements.label;
    let sending = false;

    wrong.addEventListener("click", () => {
      const opening = form.hidden;
      form.hidden = !opening;
      wrong.setAttribute("aria-expanded", String(opening));
      if (opening) input.focus();
    });
    right.addEventListener("click", () => send({ correct: true }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (sending) return;
      const label = input.value.trim();
      if (!LABEL.test(label)) {
        input.setAttribute("aria-invalid", "true");
        showMessage(LABEL_RULE, { error: true });
        input.focus();
        return;
      }
      input.removeAttribute("aria-invalid");
      send({ label });
    });

    function showMessage(text, { error = false } = {}) {
      message.classList.toggle("error", error);
      message.textContent = text;
    }

    // aria-disabled rather than disabled while sending, so the focus stays where the visitor left it.
    function setSending(busy) {
      sending = busy;
      for (const control of ask.querySelectorAll("button")) control.setAttribute("aria-disabled", String(busy));
      input.readOnly = busy;
    }

    async function send(answer) {
      if (sending) return;
      setSending(true);
      showMessage("Sending…");
      let response = null;
      let body = null;
      try {
        response = await fetch(feedbackUrl(submissionId), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(answer),
        });
        body = await response.json().catch(() => null);
      } catch {
        // No answer at all: said below.
      }
      if (!ask.isConnected) return;
      setSending(false);
      if (response?.ok && body?.label !== undefined) {
        if (drawingId === submissionId) forgetDrawing();    // judged: drawing on starts a new drawing
        thank(body);
      } else if (!response) {
        showMessage("Could not reach the server. Check the connection and try again.", { error: true });
      } else {
        showMessage(body?.error?.message || `The server could not take your answer (HTTP ${response.status}).`,
                    { error: true });
        // This drawing cannot take feedback (given already, not yours, gone): stop asking.
        if ([403, 404, 409].includes(response.status)) stopAsking();
      }
    }

    // The focused button or field goes with the controls; the message is where the visitor is now.
    function stopAsking() {
      ask.remove();
      message.focus();
    }

    function thank(label) {
      const link = document.createElement("a");
      link.href = feedback.dataset.historyUrl;
      link.textContent = "Your drawings";
      const flagged = label.flagged ? " It has a different number of digits from what was read; we'll take a look." : "";
      showMessage(`Thanks — noted as ${label.label}.${flagged} `);
      message.append(link);
      message.classList.add("thanks");
      stopAsking();
    }
  }

  new ResizeObserver(fitToScreen).observe(canvas);
  watchPixelRatio();
})();
