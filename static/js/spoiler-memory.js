/*
 * Spoiler memory: "I have watched up to episode N" for a show, kept in this
 * browser only (localStorage, or a cookie where storage is blocked). Recaps and
 * spoilers of reviews that spoil no further than episode N then open by
 * themselves on that show's pages; later ones stay closed.
 *
 * Without JavaScript the form stays hidden and every spoiler stays closed.
 * Markup: <form data-spoiler-memory data-show="slug" hidden> and, around each
 * review's text, <article data-show="slug" data-spoils-up-to="N">.
 */
(function () {
  "use strict";

  var KEY = "watched:";

  function readCookie(show) {
    var name = encodeURIComponent(KEY + show) + "=";
    var parts = document.cookie.split("; ");
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(name) === 0) {
        return decodeURIComponent(parts[i].slice(name.length));
      }
    }
    return null;
  }

  function writeCookie(show, value) {
    var name = encodeURIComponent(KEY + show);
    var age = value === null ? 0 : 60 * 60 * 24 * 365 * 2;
    document.cookie = name + "=" + (value === null ? "" : value) +
      "; path=/; max-age=" + age + "; SameSite=Lax";
  }

  function read(show) {
    var value;
    try {
      value = window.localStorage.getItem(KEY + show);
    } catch (error) {
      value = readCookie(show);
    }
    var number = parseInt(value, 10);
    return isNaN(number) ? null : number;
  }

  function write(show, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(KEY + show);
      } else {
        window.localStorage.setItem(KEY + show, String(value));
      }
    } catch (error) {
      writeCookie(show, value);
    }
  }

  // Open (or close) the recap and spoilers of each review this reader has caught up with.
  function apply() {
    var reviews = document.querySelectorAll("[data-spoils-up-to][data-show]");
    Array.prototype.forEach.call(reviews, function (review) {
      var watched = read(review.getAttribute("data-show"));
      var spoils = parseInt(review.getAttribute("data-spoils-up-to"), 10);
      var open = watched !== null && !isNaN(spoils) && watched >= spoils;
      review.querySelectorAll("details.recap, details.spoiler").forEach(function (details) {
        details.open = open;
      });
      review.querySelectorAll("label.spoiler > input[type=checkbox]").forEach(function (box) {
        box.checked = open;
      });
      review.classList.toggle("spoilers-remembered", open);
    });
  }

  function setUp(form) {
    var show = form.getAttribute("data-show");
    var input = form.querySelector("input[name=watched]");
    var status = form.querySelector("[role=status]");
    var forget = form.querySelector("[data-forget]");

    function say(watched) {
      status.textContent = watched === null
        ? "Nothing remembered: every recap and spoiler stays closed."
        : "Remembered: you have watched up to episode " + watched +
          ". Recaps and spoilers up to it open by themselves.";
      forget.hidden = watched === null;
    }

    var watched = read(show);
    if (watched !== null) {
      input.value = watched;
    }
    say(watched);
    form.hidden = false;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.checkValidity()) {
        input.reportValidity();
        return;
      }
      var value = input.value === "" ? null : parseInt(input.value, 10);
      write(show, value);
      say(value);
      apply();
    });

    forget.addEventListener("click", function () {
      write(show, null);
      input.value = "";
      say(null);
      apply();
      input.focus();
    });
  }

  document.querySelectorAll("form[data-spoiler-memory]").forEach(setUp);
  apply();
})();
