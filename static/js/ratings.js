/*
 * Readers' scores: a page from the cache does not know this reader's score,
 * so the browser remembers the score it sent (localStorage) and shows it
 * again. Without JavaScript the form works the same; only this reminder waits
 * for the page the server renders right after rating.
 * Markup: <section data-episode="pk"> around <form class="rating-form">.
 */
(function () {
  "use strict";

  function key(section) {
    return "rated:" + section.getAttribute("data-episode");
  }

  function read(section) {
    try {
      return window.localStorage.getItem(key(section));
    } catch (error) {
      return null;
    }
  }

  function write(section, value) {
    try {
      window.localStorage.setItem(key(section), value);
    } catch (error) {
      /* storage blocked: nothing to remember */
    }
  }

  document.querySelectorAll("section[data-episode]").forEach(function (section) {
    var form = section.querySelector("form.rating-form");
    if (!form) {
      return;
    }
    var checked = form.querySelector("input[name=score]:checked");
    var remembered = read(section);
    if (!checked && remembered) {
      var box = form.querySelector("input[name=score][value='" + remembered + "']");
      if (box) {
        box.checked = true;
        form.querySelector("legend").textContent =
          "You gave it " + remembered + "/10. Change your score?";
        form.querySelector("button[type=submit]").textContent = "Change my score";
      }
    } else if (checked) {
      write(section, checked.value);
    }
    form.addEventListener("submit", function () {
      var sent = form.querySelector("input[name=score]:checked");
      if (sent) {
        write(section, sent.value);
      }
    });
  });
})();
