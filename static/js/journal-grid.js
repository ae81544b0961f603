// The journal grid: spreadsheet-like entry from the keyboard, and an entry panel for a tap or a
// click. Each change is saved at once; the cell shows saving / saved / refused, and nothing typed
// is dropped silently: a refused value stays in the cell and the line under the grid says whose
// cell it is and why, and network failures are retried.
(function () {
  "use strict";
  const table = document.querySelector(".journal-grid");
  if (!table) return;
  const scroller = table.closest(".journal-scroll");
  const statusLine = document.getElementById("grid-status");
  const writable = table.dataset.writable === "1";
  // The CSRF cookie is HTTP-only; the page carries the token.
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const RETRY_DELAYS = [1000, 3000, 10000, 30000];
  // Values on their way to the server (being sent, waiting for a retry, or waiting for the
  // user's answer about a conflict): leaving the page would lose them.
  const pending = new Map(); // cell -> value
  // Values the server refused, with the reason. They stay in view until changed; leaving the
  // page discards them knowingly, so they do not hold the page.
  const refused = new Map(); // cell -> reason
  let fillsInFlight = 0;
  const panel = document.getElementById("entry-panel");
  let panelCell = null; // the cell the entry panel is open for

  // Cells and where they are ------------------------------------------------------------------

  function cellAt(row, col) {
    const tr = table.tBodies[0].rows[row];
    return tr ? tr.querySelectorAll("td.cell")[col] : null;
  }

  function position(cell) {
    const tr = cell.parentElement;
    const cells = Array.from(tr.querySelectorAll("td.cell"));
    return [tr.sectionRowIndex, cells.indexOf(cell)];
  }

  function move(cell, dRow, dCol) {
    const [row, col] = position(cell);
    const next = cellAt(row + dRow, col + dCol);
    if (next) next.focus();
    return Boolean(next);
  }

  function columnLabel(cell) {
    const th = table.tHead.rows[0].cells[cell.cellIndex];
    return th ? (th.dataset.label || th.textContent.trim()) : "";
  }

  // "Петров Василий, 16.11.2026": whose cell, on which day (or which final mark).
  function where(cell) {
    return `${cell.parentElement.dataset.name || ""}, ${columnLabel(cell)}`;
  }

  function isEditable(cell) {
    return writable && !cell.classList.contains("not-enrolled") && !cell.classList.contains("future");
  }

  function sayNotYet(cell) {
    notify(`Урок ${columnLabel(cell)} ещё не прошёл: отметки и пропуски ставятся после урока.`);
  }

  function currentText(cell) {
    return pending.has(cell) ? pending.get(cell) : cell.textContent.trim();
  }

  // The line under the grid: refused values (whose, when, why) and the latest notice. Lines
  // are added and removed one by one, so that a screen reader announces only what is new.

  const problemLines = new Map(); // cell -> its line
  let infoLine = null;

  function showProblem(cell, reason) {
    let line = problemLines.get(cell);
    if (!line) {
      line = document.createElement("p");
      line.className = "grid-problem";
      line.dataset.testid = "grid-problem";
      const show = document.createElement("button");
      show.type = "button";
      show.className = "btn btn-sm btn-light";
      show.textContent = "К клетке";
      show.addEventListener("click", () => {
        cell.scrollIntoView({ block: "nearest", inline: "nearest" });
        cell.focus();
      });
      line.append(document.createElement("span"), show);
      problemLines.set(cell, line);
      statusLine.insertBefore(line, infoLine);
    }
    line.firstChild.textContent = `${where(cell)} — не сохранено: ${reason}`;
  }

  function clearProblem(cell) {
    const line = problemLines.get(cell);
    if (line) { line.remove(); problemLines.delete(cell); }
  }

  function notify(text, kind = "info") {
    if (infoLine) infoLine.remove();
    infoLine = null;
    if (!text || !statusLine) return;
    infoLine = document.createElement("p");
    infoLine.className = kind === "problem" ? "grid-problem" : "grid-info";
    infoLine.textContent = text;
    statusLine.append(infoLine);
  }

  function setStatus(cell, status, message) {
    cell.classList.remove("saving", "saved", "error", "offline", "conflict");
    if (status) cell.classList.add(status);
    cell.dataset.status = status || "";
    if (message !== undefined) cell.title = message;
    if (status === "error") refused.set(cell, message); else refused.delete(cell);
    if (statusLine) { if (status === "error") showProblem(cell, message); else clearProblem(cell); }
    if (status === "saved") setTimeout(() => cell.classList.remove("saved"), 1500);
    if (panelCell === cell) fillPanel(cell);
  }

  // The key that makes a save idempotent: one per logical save, sent again with each retry, so
  // that a retry of a save whose answer was lost gets the first answer instead of a conflict.
  function newRequestId() {
    // randomUUID exists only in secure contexts; a school's closed network may serve plain http.
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    if (window.crypto && typeof window.crypto.getRandomValues === "function") {
      window.crypto.getRandomValues(bytes);
    } else {
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function showText(cell, text) {
    cell.textContent = text;
    cell.classList.toggle("absent", /[нбу]|оп/.test(text));
  }

  async function post(url, data) {
    const reason = document.getElementById("correction-reason");
    const body = new URLSearchParams({ ...data, reason: reason ? reason.value : "" });
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
      body,
      credentials: "same-origin",
    });
    let payload = null;
    try { payload = await response.json(); } catch (e) { payload = null; }
    return { status: response.status, payload };
  }

  // In-page dialogs instead of the browser's prompt and confirm --------------------------------

  const dialogElement = document.getElementById("grid-dialog");
  let dialogQueue = Promise.resolve();

  // Shows one dialog at a time. Resolves to the text typed (with `field`), true (without), or
  // null when cancelled; focus goes back to `returnTo`. Enter confirms, Escape cancels.
  function ask(options) {
    const shown = dialogQueue.then(() => showDialog(options));
    dialogQueue = shown.catch(() => null);
    return shown;
  }

  function showDialog({ title, message, field = "", value = "", confirm = "OK", cancel = "Отмена", returnTo = null }) {
    return new Promise((resolve) => {
      const form = dialogElement.querySelector("form");
      const input = dialogElement.querySelector("#grid-dialog-input");
      const confirmButton = dialogElement.querySelector(".grid-dialog-confirm");
      dialogElement.querySelector("#grid-dialog-title").textContent = title;
      dialogElement.querySelector(".grid-dialog-message").textContent = message || "";
      dialogElement.querySelector(".grid-dialog-field").hidden = !field;
      dialogElement.querySelector('label[for="grid-dialog-input"]').textContent = field;
      dialogElement.querySelector(".grid-dialog-cancel").textContent = cancel;
      confirmButton.textContent = confirm;
      input.value = value;
      input.classList.remove("is-invalid");
      const modal = bootstrap.Modal.getOrCreateInstance(dialogElement);
      let answer = null;
      function onSubmit(event) {
        event.preventDefault();
        if (field && !input.value.trim()) { input.classList.add("is-invalid"); input.focus(); return; }
        answer = field ? input.value.trim() : true;
        modal.hide();
      }
      function onShown() { (field ? input : confirmButton).focus(); }
      function onHidden() {
        form.removeEventListener("submit", onSubmit);
        dialogElement.removeEventListener("shown.bs.modal", onShown);
        if (returnTo && document.body.contains(returnTo)) returnTo.focus();
        resolve(answer);
      }
      form.addEventListener("submit", onSubmit);
      dialogElement.addEventListener("shown.bs.modal", onShown);
      dialogElement.addEventListener("hidden.bs.modal", onHidden, { once: true });
      modal.show();
    });
  }

  // Saving a cell ---------------------------------------------------------------------------

  // A new call without requestId is a new logical save; retries pass the one they were given.
  async function save(cell, value, { attempt = 0, force = false, note = "", requestId = newRequestId() } = {}) {
    pending.set(cell, value);
    showText(cell, value);
    setStatus(cell, "saving", "Сохраняется…");
    let result;
    try {
      const isTerm = Boolean(cell.dataset.kind);
      result = await post(isTerm ? table.dataset.termUrl : table.dataset.cellUrl, {
        lesson: cell.dataset.lesson || "",
        period: table.dataset.period || "",
        kind: cell.dataset.kind || "",
        student: cell.dataset.student,
        entry: value,
        version: cell.dataset.version,
        note: note || "",
        force: force ? "1" : "",
        request_id: requestId,
      });
    } catch (networkError) {
      result = null;
    }
    if (pending.get(cell) !== value) return; // a newer value was typed meanwhile
    const payload = result && result.payload;
    if (payload && result.status === 200 && payload.ok) {
      pending.delete(cell);
      cell.dataset.version = payload.version;
      showText(cell, payload.text);
      setStatus(cell, "saved", "Сохранено");
      return;
    }
    if (payload && result.status === 409) {
      // Someone else changed the cell after this page was drawn: show theirs, let the user decide.
      cell.dataset.version = payload.version;
      setStatus(cell, "conflict", payload.error);
      const overwrite = await ask({
        title: "Клетку изменил другой пользователь",
        message: `${where(cell)}. Сейчас в клетке: «${payload.text || "пусто"}». Вы ввели: «${value || "пусто"}». Записать ваше значение?`,
        confirm: "Записать моё",
        cancel: "Оставить как есть",
        returnTo: cell,
      });
      if (pending.get(cell) !== value) return;
      if (overwrite) {
        save(cell, value, { force: true, note });
      } else {
        pending.delete(cell);
        showText(cell, payload.text);
        setStatus(cell, "", "");
      }
      return;
    }
    if (payload && payload.needs_note && !note) {
      // A mark over a missed lesson: the explanation goes to the parents and the administration.
      const given = await ask({
        title: "Отметка поверх пропуска",
        message: `${where(cell)}. ${payload.error}`,
        field: "Пояснение для родителей и администрации",
        confirm: "Сохранить с пояснением",
        returnTo: cell,
      });
      if (pending.get(cell) !== value) return;
      if (given) { save(cell, value, { force, note: given }); return; }
    }
    if (result && !payload && (result.status === 403 || result.status === 404)) {
      pending.delete(cell);
      setStatus(cell, "error", "нет прав на эту клетку или истёк сеанс. " +
        "Войдите снова и повторите; введённое значение осталось в клетке.");
      return;
    }
    if (payload && result.status >= 400 && result.status < 500) {
      // The value itself was refused: keep what was typed, say why, save nothing.
      pending.delete(cell);
      setStatus(cell, "error", payload.error || "значение не принято.");
      return;
    }
    // Network or server failure: keep the value and try again.
    const delay = RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)];
    setStatus(cell, "offline", `Не удалось сохранить (нет связи с сервером). Повтор через ${delay / 1000} с.`);
    notify(`Нет связи с сервером: ${where(cell)} — значение «${value || "пусто"}» ещё не сохранено, ` +
      `повтор через ${delay / 1000} с. Не закрывайте страницу.`, "problem");
    setTimeout(() => {
      if (pending.get(cell) !== value) return;
      if (infoLine && infoLine.textContent.startsWith("Нет связи")) notify(null);
      save(cell, value, { attempt: attempt + 1, force, note, requestId });
    }, delay);
  }

  function startEditing(cell, initial) {
    if (cell.querySelector("input")) return;
    closePanel();
    const before = currentText(cell);
    const input = document.createElement("input");
    input.type = "text";
    input.value = initial !== undefined ? initial : before;
    input.setAttribute("aria-label", `${where(cell)}: отметка или пропуск`);
    cell.textContent = "";
    cell.appendChild(input);
    input.focus();
    let done = false;
    function finish(commit, then) {
      if (done) return;
      done = true;
      const value = input.value.trim();
      cell.removeChild(input);
      if (commit && value !== before) {
        save(cell, value);
      } else {
        showText(cell, before);
      }
      cell.focus();
      if (then) then();
    }
    input.addEventListener("keydown", (event) => {
      const key = event.key;
      if (key === "Enter") { event.preventDefault(); finish(true, () => move(cell, 1, 0)); }
      else if (key === "Tab") { event.preventDefault(); finish(true, () => move(cell, 0, event.shiftKey ? -1 : 1)); }
      else if (key === "Escape") { event.preventDefault(); finish(false); }
      else if (key === "ArrowUp") { event.preventDefault(); finish(true, () => move(cell, -1, 0)); }
      else if (key === "ArrowDown") { event.preventDefault(); finish(true, () => move(cell, 1, 0)); }
      event.stopPropagation();
    });
    input.addEventListener("blur", () => finish(true));
  }

  async function openDetail(cell) {
    closePanel();
    const url = `${table.dataset.detailUrl}?lesson=${cell.dataset.lesson}&student=${cell.dataset.student}`;
    const body = document.getElementById("cell-detail-body");
    const response = await fetch(url, { credentials: "same-origin" });
    body.innerHTML = await response.text();
    const element = document.getElementById("cell-detail");
    const modal = bootstrap.Modal.getOrCreateInstance(element);
    element.addEventListener("hidden.bs.modal", () => cell.focus(), { once: true });
    modal.show();
    for (const form of body.querySelectorAll("form.mark-edit")) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const status = form.querySelector(".mark-edit-status");
        status.textContent = "Сохраняется…";
        const result = await post(form.action, Object.fromEntries(new FormData(form)));
        if (result.payload && result.payload.ok) {
          form.querySelector('[name="version"]').value = result.payload.version;
          cell.dataset.version = result.payload.cell_version;
          status.textContent = "Сохранено";
        } else {
          status.textContent = (result.payload && result.payload.error) || "Не удалось сохранить.";
        }
      });
    }
  }

  // The entry panel: large buttons for a tap, a field for anything else ------------------------

  const phone = window.matchMedia("(max-width: 575.98px)");

  function fillPanel(cell) {
    panel.querySelector("#entry-panel-title").textContent =
      `${cell.parentElement.dataset.name || ""} · ${columnLabel(cell)}`;
    const now = currentText(cell);
    panel.querySelector(".entry-current").textContent = `В клетке: ${now ? `«${now}»` : "пусто"}`;
    const error = panel.querySelector(".entry-error");
    error.hidden = !refused.has(cell);
    error.textContent = refused.has(cell) ? `Не сохранено: ${refused.get(cell)}` : "";
  }

  function placePanel() {
    if (!panelCell || panel.hidden) return;
    if (phone.matches) {
      panel.style.top = panel.style.left = "";
      document.body.style.paddingBottom = `${panel.offsetHeight}px`;
      // Keep the cell above the sheet: scroll the grid first, then the page.
      const overlap = panelCell.getBoundingClientRect().bottom - panel.getBoundingClientRect().top + 8;
      if (overlap > 0) {
        const before = scroller ? scroller.scrollTop : 0;
        if (scroller) scroller.scrollTop += overlap;
        const left = overlap - ((scroller ? scroller.scrollTop : 0) - before);
        if (left > 0) window.scrollBy(0, left);
      }
      return;
    }
    document.body.style.paddingBottom = "";
    const rect = panelCell.getBoundingClientRect();
    const width = panel.offsetWidth;
    const height = panel.offsetHeight;
    let top = rect.bottom + 4;
    if (top + height > window.innerHeight - 4) top = Math.max(4, rect.top - height - 4);
    const left = Math.min(Math.max(4, rect.left), window.innerWidth - width - 4);
    panel.style.top = `${top}px`;
    panel.style.left = `${left}px`;
  }

  function openPanel(cell, { focusInside = false } = {}) {
    if (!panel) return;
    if (panelCell && panelCell !== cell) panelCell.classList.remove("in-panel");
    panelCell = cell;
    cell.classList.add("in-panel");
    const forTerm = Boolean(cell.dataset.kind);
    panel.classList.toggle("for-term", forTerm);
    panel.classList.toggle("for-lesson", !forTerm);
    panel.querySelector("#entry-text").value = "";
    fillPanel(cell);
    panel.hidden = false;
    placePanel();
    if (focusInside) {
      const shown = Array.from(panel.querySelectorAll(".entry-value")).find((b) => b.getClientRects().length);
      (shown || panel.querySelector("#entry-text")).focus();
    }
  }

  function closePanel({ returnFocus = false } = {}) {
    if (!panel || panel.hidden) return;
    const cell = panelCell;
    panel.hidden = true;
    panelCell = null;
    document.body.style.paddingBottom = "";
    if (cell) {
      cell.classList.remove("in-panel");
      if (returnFocus) cell.focus();
    }
  }

  function choose(value) {
    const cell = panelCell;
    if (!cell) return;
    closePanel();
    cell.focus();
    if (value !== currentText(cell)) save(cell, value);
  }

  if (panel) {
    panel.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      if (button.classList.contains("entry-value")) choose(button.dataset.value);
      else if (button.classList.contains("entry-close")) closePanel({ returnFocus: true });
      else if (button.classList.contains("entry-detail")) { const cell = panelCell; if (cell) openDetail(cell); }
    });
    panel.querySelector("form.entry-other").addEventListener("submit", (event) => {
      event.preventDefault();
      choose(panel.querySelector("#entry-text").value.trim());
    });
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); closePanel({ returnFocus: true }); }
    });
    document.addEventListener("click", (event) => {
      if (panel.hidden || panel.contains(event.target) || event.target.closest("td.cell")) return;
      closePanel();
    });
    window.addEventListener("resize", placePanel);
    if (scroller) scroller.addEventListener("scroll", () => { if (!phone.matches) placePanel(); }, { passive: true });
  }

  // The grid's own keys, taps and clicks ------------------------------------------------------

  table.addEventListener("keydown", (event) => {
    const cell = event.target.closest("td.cell");
    if (!cell || event.target.tagName === "INPUT") return;
    const key = event.key;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (key !== " ") closePanel();
    if (moves[key]) { event.preventDefault(); move(cell, ...moves[key]); return; }
    // Tab past the end of a row goes on as the browser would: to the next row, and out of the
    // grid after its last cell, so the keyboard is never trapped in it.
    if (key === "Tab") { if (move(cell, 0, event.shiftKey ? -1 : 1)) event.preventDefault(); return; }
    if (key === "Enter") {
      event.preventDefault();
      if (cell.dataset.kind) { if (isEditable(cell)) startEditing(cell); } else openDetail(cell);
      return;
    }
    if (!isEditable(cell)) {
      const typing = key.length === 1 || key === "F2" || key === "Delete" || key === "Backspace";
      if (typing && writable && cell.classList.contains("future")) { event.preventDefault(); sayNotYet(cell); }
      return;
    }
    if (key === " ") { event.preventDefault(); openPanel(cell, { focusInside: true }); return; }
    if (key === "Delete" || key === "Backspace") { event.preventDefault(); save(cell, ""); return; }
    if (key === "F2") { event.preventDefault(); startEditing(cell); return; }
    if (key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      startEditing(cell, key);
    }
  });

  table.addEventListener("dblclick", (event) => {
    const cell = event.target.closest("td.cell");
    if (cell && isEditable(cell)) startEditing(cell);
  });

  table.addEventListener("click", (event) => {
    const fill = event.target.closest(".fill-column");
    if (fill) { fillColumn(fill); return; }
    const cell = event.target.closest("td.cell");
    if (!cell || event.target.tagName === "INPUT") return;
    if (isEditable(cell)) {
      openPanel(cell);
    } else if (writable && cell.classList.contains("future")) {
      closePanel();
      sayNotYet(cell);
    } else if (!writable && !cell.dataset.kind) {
      openDetail(cell); // a reader's tap shows what is in the cell and its history
    }
  });

  async function fillColumn(button) {
    closePanel();
    const th = button.closest("th");
    const day = th ? th.dataset.label : "";
    const entry = await ask({
      title: `Заполнить столбец ${day}`,
      message: "Значение поставится всем, у кого клетка пуста; заполненные клетки не изменятся.",
      field: "Что поставить (например, 5 или н)",
      confirm: "Заполнить",
      returnTo: button,
    });
    if (!entry) return;
    // A retry after a lost answer sends the same key, so a fill that did commit is not made twice.
    const data = { lesson: button.dataset.lesson, entry, request_id: newRequestId() };
    let result = null;
    fillsInFlight += 1;
    try {
      while (result === null) {
        try {
          result = await post(table.dataset.columnUrl, data);
        } catch (networkError) {
          const again = await ask({
            title: "Нет связи с сервером",
            message: `Столбец ${day} не заполнен: нет связи с сервером. Повторить?`,
            confirm: "Повторить",
            returnTo: button,
          });
          if (!again) { notify(`Столбец ${day} не заполнен: нет связи с сервером.`, "problem"); return; }
        }
      }
    } finally {
      fillsInFlight -= 1;
    }
    if (result.status === 200 && result.payload && result.payload.ok) {
      for (const item of result.payload.cells) {
        const cell = table.querySelector(`td.cell[data-lesson="${button.dataset.lesson}"][data-student="${item.student}"]`);
        if (cell) { cell.dataset.version = item.version; showText(cell, item.text); setStatus(cell, "saved", "Сохранено"); }
      }
      const filled = result.payload.cells.length;
      const cells = filled % 10 === 1 && filled % 100 !== 11 ? "клетке" : "клетках";
      const skipped = result.payload.skipped ? `; уже заполненные клетки не изменены: ${result.payload.skipped}` : "";
      notify(`Столбец ${day} заполнен: «${entry}» в ${filled} ${cells}${skipped}.`);
    } else {
      notify(`Столбец ${day} не заполнен: ${(result.payload && result.payload.error) || "сервер не принял запрос."}`, "problem");
    }
  }

  window.addEventListener("beforeunload", (event) => {
    if (pending.size || fillsInFlight) { event.preventDefault(); event.returnValue = ""; }
  });

  // Open on today: the latest lesson up to today, with the lessons before it, in view.
  function scrollToToday() {
    const today = table.dataset.today;
    if (!scroller || !today) return;
    const heads = Array.from(table.tHead.rows[0].querySelectorAll("th.lesson-col"));
    const upToToday = heads.filter((th) => th.dataset.day <= today);
    const target = upToToday[upToToday.length - 1];
    if (!target) return;
    const box = scroller.getBoundingClientRect();
    const offset = (th) => th.getBoundingClientRect().left - box.left + scroller.scrollLeft;
    const sticky = table.tHead.rows[0].cells[0].offsetWidth;
    // Two lessons after it as well where they fit, so the teacher sees what comes next.
    const after = heads[Math.min(heads.indexOf(target) + 2, heads.length - 1)];
    const wanted = offset(after) + after.offsetWidth - scroller.clientWidth;
    scroller.scrollLeft = Math.max(0, Math.min(wanted, offset(target) - sticky));
  }
  scrollToToday();

  // Cells take focus before this script has run on a slow connection; until then keys typed
  // into them go nowhere. Marks the grid as ready for typing (browser tests wait for it).
  table.dataset.ready = "1";
})();
