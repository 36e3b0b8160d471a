/*
 * Keeps an unsaved copy of a writer's text in this browser while they type, and
 * offers it back after a crash, a closed tab or a save that never arrived.
 *
 * The copy is dropped once the text is safe: when the page shows the same text
 * (it was saved, or the form came back with it), or when the admin reports a
 * successful save after this copy was submitted.
 */
(function () {
  "use strict";

  const PREFIX = "reviews-autosave:";
  let storage;
  try {
    storage = window.localStorage;
  } catch (error) {
    return;
  }
  if (!storage) {
    return;
  }

  function read(key) {
    try {
      return JSON.parse(storage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function forgetSubmittedCopies() {
    for (let index = storage.length - 1; index >= 0; index -= 1) {
      const key = storage.key(index);
      if (key && key.startsWith(PREFIX) && (read(key) || {}).submitted) {
        storage.removeItem(key);
      }
    }
  }

  function start() {
    if (document.querySelector(".messagelist .success")) {
      forgetSubmittedCopies();
    }
    const form = document.querySelector("#content-main form");
    const editors = form ? form.querySelectorAll("textarea.markdownx-editor") : [];
    if (!editors.length) {
      return;
    }
    const fields = Array.from(
      form.querySelectorAll("#id_title, #id_summary, textarea.markdownx-editor")
    );
    const key = PREFIX + window.location.pathname;

    function values() {
      const result = {};
      fields.forEach(function (field) {
        result[field.name] = field.value;
      });
      return result;
    }

    function differs(saved) {
      return fields.some(function (field) {
        return field.name in saved && saved[field.name] !== field.value;
      });
    }

    function keep(submitted) {
      storage.setItem(
        key,
        JSON.stringify({ values: values(), savedAt: Date.now(), submitted: submitted })
      );
    }

    function offer(copy) {
      const notice = document.createElement("div");
      notice.className = "autosave-notice";
      notice.setAttribute("role", "alert");
      const when = new Date(copy.savedAt).toLocaleString();
      const text = document.createElement("p");
      text.textContent =
        "This browser kept an unsaved copy of your text from " + when + ". ";
      const restore = document.createElement("button");
      restore.type = "button";
      restore.className = "button";
      restore.textContent = "Restore the unsaved copy";
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button";
      discard.textContent = "Discard it";
      text.append(restore, discard);
      notice.append(text);
      form.prepend(notice);

      restore.addEventListener("click", function () {
        fields.forEach(function (field) {
          if (field.name in copy.values) {
            field.value = copy.values[field.name];
            field.dispatchEvent(new Event("input", { bubbles: true }));
          }
        });
        notice.remove();
        fields[0].focus();
      });
      discard.addEventListener("click", function () {
        storage.removeItem(key);
        notice.remove();
      });
    }

    const copy = read(key);
    if (copy && copy.values) {
      if (differs(copy.values)) {
        offer(copy);
      } else {
        storage.removeItem(key);
      }
    }

    let timer = null;
    fields.forEach(function (field) {
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          keep(false);
        }, 400);
      });
    });
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      keep(true);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
