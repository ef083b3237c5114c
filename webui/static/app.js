// Enhancements only: every page works without this file.
(function () {
  "use strict";

  // Officials autocomplete: fill the input's <datalist> from the API as the user types.
  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var prefix = input.value.trim();
        if (prefix.length < 2 || prefix === asked) return;
        asked = prefix;
        var url = input.dataset.suggest + "?limit=8&prefix=" + encodeURIComponent(prefix);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (names) {
            list.replaceChildren.apply(list, names.map(function (o) {
              var option = document.createElement("option");
              option.value = o.name;
              option.label = o.name + " (" + o.count + ")";
              return option;
            }));
          })
          .catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  }

  function ready() {
    document.querySelectorAll("input[data-suggest]").forEach(suggest);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
