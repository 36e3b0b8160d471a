/*
 * The writer's Markdown editor in the admin (templates/admin/reviews/
 * markdown_editor.html), around django-markdownx's textarea and live preview:
 *
 * - a toolbar that inserts our Markdown (bold, italic, heading, link, quote,
 *   list, inline and block spoilers, an image upload);
 * - Write / Preview tabs where the screen is too narrow for both side by side;
 * - a live word count and reading time;
 * - images dropped, pasted or chosen are uploaded here (not by markdownx, which
 *   wrote "Invalid response" into the text on an error): each becomes its own
 *   paragraph with its alt text selected, and a refusal is shown beside the
 *   editor with the server's own words, the text left as it was;
 * - text pasted from a word processor or a web page (HTML on the clipboard)
 *   becomes clean Markdown (turndown, from our own static files): paragraphs,
 *   headings, links, lists and emphasis kept; styles, scripts and images from
 *   other sites dropped (the page's Content Security Policy would block them);
 * - Ctrl+S (Cmd+S) saves and continues editing.
 *
 * Every change to the text is announced with an "input" event, so markdownx
 * renders the preview and autosave.js keeps its copy.
 */
(function () {
  "use strict";

  const WORDS_PER_MINUTE = 220; // reviews.models.base.WORDS_PER_MINUTE
  const ALT_TEXT = "Describe this image";

  function announce(textarea) {
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Replace the selection with before + (selection or placeholder) + after,
  // and select what was wrapped, so typing replaces the placeholder.
  function wrap(textarea, before, after, placeholder) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const chosen = textarea.value.slice(start, end) || placeholder;
    textarea.setRangeText(before + chosen + after, start, end, "end");
    textarea.setSelectionRange(start + before.length, start + before.length + chosen.length);
    textarea.focus();
    announce(textarea);
  }

  // Put ``prefix`` at the start of each selected line.
  function prefixLines(textarea, prefix) {
    const value = textarea.value;
    const start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    let end = value.indexOf("\n", textarea.selectionEnd);
    end = end === -1 ? value.length : end;
    const lines = value.slice(start, end).split("\n").map(function (line) {
      return line.startsWith(prefix) ? line : prefix + line;
    });
    textarea.setRangeText(lines.join("\n"), start, end, "select");
    textarea.focus();
    announce(textarea);
  }

  // Insert ``block`` as paragraphs of its own at the cursor; returns where it
  // begins in the text.
  function insertBlock(textarea, block) {
    const value = textarea.value;
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const before = value.slice(0, start);
    const after = value.slice(end);
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const tail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    textarea.setRangeText(lead + block + tail, start, end, "end");
    return start + lead.length;
  }

  const TOOLS = {
    bold: function (t) { wrap(t, "**", "**", "bold text"); },
    italic: function (t) { wrap(t, "*", "*", "italic text"); },
    heading: function (t) { prefixLines(t, "## "); },
    link: function (t) { wrap(t, "[", "](https://)", "link text"); },
    quote: function (t) { prefixLines(t, "> "); },
    list: function (t) { prefixLines(t, "- "); },
    spoiler: function (t) { wrap(t, "||", "||", "hidden text"); },
    "spoiler-block": function (t) {
      const chosen = t.value.slice(t.selectionStart, t.selectionEnd) || "What happens";
      const begins = insertBlock(t, "::: spoiler\n" + chosen + "\n:::");
      const text = begins + "::: spoiler\n".length;
      t.setSelectionRange(text, text + chosen.length);
      t.focus();
      announce(t);
    },
  };

  function wordCount(text) {
    const words = text
      .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
      .replace(/[#>*_`|~\-[\]()!:]+/g, " ")
      .split(/\s+/)
      .filter(Boolean);
    return words.length;
  }

  // Markdown from pasted HTML, and how many images from elsewhere were left out.
  function markdownFrom(html) {
    // Styles renamed before parsing: the page's Content Security Policy would
    // refuse (and report) every inline style of the pasted text.
    const tamed = html
      .replace(/<style[\s\S]*?<\/style>/gi, "")
      .replace(/(<[^>]*\s)style\s*=/gi, "$1data-style=");
    const page = new DOMParser().parseFromString(tamed, "text/html");
    // Google Docs wraps everything in a bold element that is not bold.
    page.querySelectorAll('b[id^="docs-internal-guid"]').forEach(function (wrapper) {
      wrapper.replaceWith(...wrapper.childNodes);
    });
    let dropped = 0;
    const service = new window.TurndownService({
      headingStyle: "atx",
      bulletListMarker: "-",
      codeBlockStyle: "fenced",
      emDelimiter: "*",
    });
    service.remove(["script", "style", "noscript", "iframe", "object", "embed", "meta", "link", "title"]);
    service.addRule("styledEmphasis", {
      // Word processors say bold and italic with styles, not tags.
      filter: function (node) {
        return node.nodeName === "SPAN" && (
          /font-weight:\s*(bold|[6-9]00)/.test(node.getAttribute("data-style") || "") ||
          /font-style:\s*italic/.test(node.getAttribute("data-style") || "")
        );
      },
      replacement: function (content, node) {
        if (!content.trim()) {
          return content;
        }
        const style = node.getAttribute("data-style");
        let marked = content;
        if (/font-style:\s*italic/.test(style)) {
          marked = "*" + marked + "*";
        }
        if (/font-weight:\s*(bold|[6-9]00)/.test(style)) {
          marked = "**" + marked + "**";
        }
        return marked;
      },
    });
    service.addRule("imagesFromElsewhere", {
      filter: function (node) {
        const src = node.nodeName === "IMG" ? node.getAttribute("src") || "" : null;
        return src !== null && !src.startsWith("/media/");
      },
      replacement: function () {
        dropped += 1;
        return "";
      },
    });
    const markdown = service.turndown(page.body).replace(/\n{3,}/g, "\n\n").trim();
    return { markdown: markdown, dropped: dropped };
  }

  function csrfToken(form) {
    const field = form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function setUp(editor) {
    const textarea = editor.querySelector("textarea");
    const form = textarea.form;
    const error = editor.querySelector("[data-upload-error]");
    const counter = editor.querySelector("[data-word-count]");
    const picker = editor.querySelector("[data-image-input]");
    const uploadUrl = textarea.dataset.markdownxUploadUrlsPath;
    editor.querySelector(".writer-bar").hidden = false;

    function showError(message) {
      error.textContent = message;
      error.hidden = !message;
    }

    // The server's limit (reviews.markdown.MAX_CHARS), in characters as
    // Python counts them (code points, not UTF-16 units).
    const limit = Number(textarea.dataset.maxChars) || 0;

    function charactersOver() {
      let length = 0;
      for (const _ of textarea.value) {
        length += 1;
      }
      return limit ? length - limit : 0;
    }

    function count() {
      const words = wordCount(textarea.value);
      const minutes = Math.max(1, Math.ceil(words / WORDS_PER_MINUTE));
      const over = charactersOver();
      counter.textContent = words + (words === 1 ? " word" : " words") + " · " + minutes + " min read" +
        (over > 0 ? " · " + over.toLocaleString("en") + " characters over the " + limit.toLocaleString("en") + " limit" : "");
      editor.classList.toggle("writer-over-limit", over > 0);
    }

    // A text over the limit is not sent (a very long one would be refused
    // before the form could show it again): the writer is told, nothing lost.
    form.addEventListener("submit", function (event) {
      const over = charactersOver();
      if (over > 0) {
        event.preventDefault();
        showError("Not saved: this text is " + over.toLocaleString("en") + " characters over the limit of " +
          limit.toLocaleString("en") + ". Shorten it, or split it into two reviews; your text is as you left it.");
        textarea.focus({ preventScroll: true });
        error.scrollIntoView({ block: "center" });
      }
    });

    async function upload(file) {
      showError("");
      const data = new FormData();
      data.append("image", file);
      textarea.classList.add("writer-uploading");
      let response;
      let answer = {};
      try {
        response = await fetch(uploadUrl, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrfToken(form) },
          credentials: "same-origin",
        });
        answer = await response.json().catch(function () { return {}; });
      } catch (failure) {
        response = null;
      } finally {
        textarea.classList.remove("writer-uploading");
      }
      if (response && response.ok && answer.image_code) {
        const begins = insertBlock(textarea, answer.image_code);
        const alt = begins + 2;
        textarea.setSelectionRange(alt, alt + ALT_TEXT.length);
        textarea.focus();
        announce(textarea);
        return;
      }
      const reasons = answer.image || [];
      const name = file.name ? "“" + file.name + "”" : "The image";
      showError(
        name + " was not added: " +
        (reasons.length ? reasons.join(" ") :
          response ? "the server refused it (" + response.status + ")." :
          "the upload failed; check your connection and try again.") +
        " Your text is unchanged."
      );
    }

    function images(list) {
      return Array.from(list || []).filter(function (file) { return file.size || file.type; });
    }

    // Capture: before markdownx's own listeners on the textarea, which are
    // never reached for files.
    editor.addEventListener("drop", function (event) {
      const files = images(event.dataTransfer && event.dataTransfer.files);
      if (!files.length) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      files.forEach(upload);
    }, true);
    editor.addEventListener("paste", function (event) {
      const clipboard = event.clipboardData;
      const files = images(clipboard && clipboard.files);
      if (files.length) {
        event.preventDefault();
        event.stopPropagation();
        files.forEach(upload);
        return;
      }
      const html = clipboard ? clipboard.getData("text/html") : "";
      if (!html || !window.TurndownService || event.target !== textarea) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      const pasted = markdownFrom(html);
      textarea.setRangeText(pasted.markdown, textarea.selectionStart, textarea.selectionEnd, "end");
      textarea.focus();
      announce(textarea);
      showError(pasted.dropped ?
        pasted.dropped + (pasted.dropped === 1 ? " image" : " images") +
        " from elsewhere were left out of the pasted text: upload them to use them." : "");
    }, true);

    picker.addEventListener("change", function () {
      images(picker.files).forEach(upload);
      picker.value = "";
    });

    editor.querySelectorAll("[data-tool]").forEach(function (button) {
      button.addEventListener("click", function () {
        const tool = button.dataset.tool;
        if (tool === "image") {
          picker.click();
        } else {
          TOOLS[tool](textarea);
        }
      });
    });

    editor.querySelectorAll("[data-tab]").forEach(function (tab) {
      tab.addEventListener("click", function () {
        editor.dataset.view = tab.dataset.tab;
        editor.querySelectorAll("[data-tab]").forEach(function (other) {
          other.setAttribute("aria-selected", String(other === tab));
        });
      });
    });

    textarea.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) {
        return;
      }
      const key = event.key.toLowerCase();
      const tool = { b: "bold", i: "italic", k: "link" }[key];
      if (tool) {
        event.preventDefault();
        TOOLS[tool](textarea);
      }
    });
    textarea.addEventListener("input", count);
    count();
  }

  function saveOnShortcut(event) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      const button = document.querySelector("#content-main form [name=_continue]");
      if (button) {
        event.preventDefault();
        button.click();
      }
    }
  }

  function start() {
    document.querySelectorAll("[data-writer-editor]").forEach(setUp);
    if (document.querySelector("[data-writer-editor]")) {
      document.addEventListener("keydown", saveOnShortcut);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
