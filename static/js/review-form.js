/*
 * The review form's fields that depend on each other:
 * - the verdict menu offers only the verdicts of the chosen kind (first
 *   impressions: keep watching / wait and see / drop it); the server checks
 *   the same (Review.verdicts_for);
 * - the episode picker searches only the chosen show's episodes, an episode of
 *   another show is cleared when the show changes, and the "+" beside it opens
 *   a new episode of that show.
 * - a new review's empty thoughts offer its kind's outline (Review.OUTLINES)
 *   to start from.
 * Without JavaScript every choice is offered and the server refuses the wrong
 * ones with a message.
 */
(function () {
  "use strict";

  function offerVerdicts(kind, verdict) {
    const byKind = JSON.parse(verdict.dataset.verdicts);
    const allowed = byKind[kind.value] || [];
    Array.from(verdict.options).forEach(function (option) {
      const offered = option.value === "" || allowed.includes(option.value);
      option.hidden = !offered;
      option.disabled = !offered;
    });
    if (verdict.value && !allowed.includes(verdict.value)) {
      verdict.value = "";
    }
  }

  function episodesOfTheShow(show, episode) {
    const $ = window.django && window.django.jQuery;
    const addLink = document.getElementById("add_id_episode");
    const addBase = addLink ? addLink.getAttribute("href") : "";

    function pointAddLink() {
      if (addLink) {
        addLink.href = show.value ? addBase + "&show=" + encodeURIComponent(show.value) : addBase;
      }
    }

    if (!($ && $.fn.select2)) {
      pointAddLink();
      return;
    }
    if (!$(episode).data("select2")) {
      // Django's autocomplete.js has not set the widget up yet: try again soon.
      window.setTimeout(function () {
        episodesOfTheShow(show, episode);
      }, 20);
      return;
    }
    {
      $(episode).select2("destroy");
      // Django's own set-up (admin/js/autocomplete.js), asking for the show too
      // (EpisodeAdmin.get_search_results reads it).
      $(episode).select2({
        ajax: {
          data: function (params) {
            return {
              term: params.term,
              page: params.page,
              app_label: episode.dataset.appLabel,
              model_name: episode.dataset.modelName,
              field_name: episode.dataset.fieldName,
              show: show.value,
            };
          },
        },
      });
      $(show).on("change", function () {
        // An episode of another show cannot stay chosen.
        $(episode).val(null).trigger("change");
        pointAddLink();
      });
      // Ready: the picker now asks for the chosen show's episodes only.
      episode.dataset.episodesOfShow = "ready";
    }
    pointAddLink();
  }

  function offerOutline(kind, body) {
    const outlines = JSON.parse(body.dataset.outlines);
    const offer = document.createElement("p");
    offer.className = "outline-offer";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    offer.append(button);
    function label() {
      const chosen = kind.options[kind.selectedIndex];
      button.textContent = "Start from the " + chosen.text.toLowerCase() + " outline";
      offer.hidden = body.value.trim() !== "";
    }
    button.addEventListener("click", function () {
      body.value = outlines[kind.value] || "";
      body.dispatchEvent(new Event("input", { bubbles: true }));
      body.focus();
      body.setSelectionRange(body.value.indexOf("\n\n") + 2, body.value.indexOf("\n\n") + 2);
      offer.hidden = true;
    });
    kind.addEventListener("change", label);
    body.addEventListener("input", label);
    label();
    body.closest("[data-writer-editor]").before(offer);
  }

  function start() {
    const kind = document.getElementById("id_kind");
    const verdict = document.getElementById("id_verdict");
    if (kind && verdict && verdict.dataset.verdicts) {
      offerVerdicts(kind, verdict);
      kind.addEventListener("change", function () {
        offerVerdicts(kind, verdict);
      });
    }
    const body = document.getElementById("id_body");
    if (kind && body && body.dataset.outlines) {
      offerOutline(kind, body);
    }
    const show = document.getElementById("id_show");
    const episode = document.getElementById("id_episode");
    if (show && episode) {
      episodesOfTheShow(show, episode);
    }
  }

  // As soon as the form is there (the episode picker waits for the admin's
  // autocomplete set-up, episodesOfTheShow), not after every image has loaded:
  // a writer can be in the picker by then.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
