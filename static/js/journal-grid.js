// The journal grid: spreadsheet-like entry from the keyboard. Each change is saved at once;
// the cell shows saving / saved / error, and nothing typed is dropped silently: a failed save
// keeps the typed value in the cell with the reason, and network failures are retried.
(function () {
  "use strict";
  const table = document.querySelector(".journal-grid");
  if (!table) return;
  const writable = table.dataset.writable === "1";
  // The CSRF cookie is HTTP-only; the page carries the token.
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const RETRY_DELAYS = [1000, 3000, 10000, 30000];
  const pending = new Map(); // cell -> typed value not yet saved

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
    let [row, col] = position(cell);
    const next = cellAt(row + dRow, col + dCol);
    if (next) next.focus();
  }

  function setStatus(cell, status, message) {
    cell.classList.remove("saving", "saved", "error", "conflict");
    if (status) cell.classList.add(status);
    cell.dataset.status = status || "";
    if (message !== undefined) cell.title = message;
    if (status === "saved") setTimeout(() => cell.classList.remove("saved"), 1500);
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

  // A new call without requestId is a new logical save; retries pass the one they were given.
  async function save(cell, value, attempt = 0, force = false, note = "", requestId = newRequestId()) {
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
    if (result && result.payload && result.status === 200 && result.payload.ok) {
      pending.delete(cell);
      cell.dataset.version = result.payload.version;
      showText(cell, result.payload.text);
      setStatus(cell, "saved", "Сохранено");
      return;
    }
    if (result && result.payload && result.status === 409) {
      // Someone else changed the cell after this page was drawn: show theirs, let the user decide.
      const p = result.payload;
      cell.dataset.version = p.version;
      setStatus(cell, "conflict", p.error);
      if (window.confirm(`${p.error}\n\nСейчас в клетке: «${p.text || "пусто"}».\nВы ввели: «${value || "пусто"}».\n\nЗаписать ваше значение?`)) {
        save(cell, value, 0, true, note);
      } else {
        pending.delete(cell);
        showText(cell, p.text);
        setStatus(cell, "", "");
      }
      return;
    }
    if (result && result.payload && result.payload.needs_note && !note) {
      // A mark over a missed lesson: the explanation goes to the parents and the administration.
      const given = window.prompt(`${result.payload.error}\n\nПояснение:`);
      if (given && given.trim()) { save(cell, value, 0, force, given.trim()); return; }
    }
    if (result && !result.payload && (result.status === 403 || result.status === 404)) {
      setStatus(cell, "error", "Сохранить не удалось: нет прав на эту клетку или истёк сеанс. " +
        "Войдите снова и повторите; введённое значение осталось в клетке.");
      return;
    }
    if (result && result.payload && result.status >= 400 && result.status < 500) {
      // The value itself was refused: keep what was typed, say why, save nothing.
      setStatus(cell, "error", result.payload.error || "Значение не принято.");
      return;
    }
    // Network or server failure: keep the value and try again.
    const delay = RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)];
    setStatus(cell, "error", `Не удалось сохранить (нет связи с сервером). Повтор через ${delay / 1000} с.`);
    setTimeout(() => {
      if (pending.get(cell) === value) save(cell, value, attempt + 1, force, note, requestId);
    }, delay);
  }

  function startEditing(cell, initial) {
    if (cell.querySelector("input")) return;
    const before = pending.has(cell) ? pending.get(cell) : cell.textContent.trim();
    const input = document.createElement("input");
    input.type = "text";
    input.value = initial !== undefined ? initial : before;
    input.setAttribute("aria-label", "Отметка или пропуск");
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
    const url = `${table.dataset.detailUrl}?lesson=${cell.dataset.lesson}&student=${cell.dataset.student}`;
    const body = document.getElementById("cell-detail-body");
    const response = await fetch(url, { credentials: "same-origin" });
    body.innerHTML = await response.text();
    const modal = bootstrap.Modal.getOrCreateInstance(document.getElementById("cell-detail"));
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

  table.addEventListener("keydown", (event) => {
    const cell = event.target.closest("td.cell");
    if (!cell || event.target.tagName === "INPUT") return;
    const key = event.key;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[key]) { event.preventDefault(); move(cell, ...moves[key]); return; }
    if (key === "Tab") { event.preventDefault(); move(cell, 0, event.shiftKey ? -1 : 1); return; }
    if (key === "Enter") {
      event.preventDefault();
      if (cell.dataset.kind) startEditing(cell); else openDetail(cell);
      return;
    }
    if (!writable || cell.classList.contains("not-enrolled")) return;
    if (key === "Delete" || key === "Backspace") { event.preventDefault(); save(cell, ""); return; }
    if (key === "F2") { event.preventDefault(); startEditing(cell); return; }
    if (key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      startEditing(cell, key);
    }
  });

  table.addEventListener("dblclick", (event) => {
    const cell = event.target.closest("td.cell");
    if (cell && writable && !cell.classList.contains("not-enrolled")) startEditing(cell);
  });

  table.addEventListener("click", async (event) => {
    const button = event.target.closest(".fill-column");
    if (!button) return;
    const entry = window.prompt("Что поставить всем в этом столбце? (например, 5 или н)");
    if (entry === null || entry.trim() === "") return;
    // A retry after a lost answer sends the same key, so a fill that did commit is not made twice.
    const data = { lesson: button.dataset.lesson, entry: entry.trim(), request_id: newRequestId() };
    let result = null;
    while (result === null) {
      try {
        result = await post(table.dataset.columnUrl, data);
      } catch (networkError) {
        if (!window.confirm("Не удалось заполнить столбец: нет связи с сервером. Повторить?")) return;
      }
    }
    if (result.status === 200 && result.payload && result.payload.ok) {
      for (const item of result.payload.cells) {
        const cell = table.querySelector(`td.cell[data-lesson="${button.dataset.lesson}"][data-student="${item.student}"]`);
        if (cell) { cell.dataset.version = item.version; showText(cell, item.text); setStatus(cell, "saved", "Сохранено"); }
      }
    } else {
      window.alert((result.payload && result.payload.error) || "Не удалось заполнить столбец.");
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (pending.size) { event.preventDefault(); event.returnValue = ""; }
  });

  // Cells take focus before this script has run on a slow connection; until then keys typed
  // into them go nowhere. Marks the grid as ready for typing (browser tests wait for it).
  table.dataset.ready = "1";
})();
