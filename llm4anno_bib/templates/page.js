(function () {
  "use strict";
  var search = document.getElementById("search");
  var category = document.getElementById("category");
  var shown = document.getElementById("shown");
  var copyStatus = document.getElementById("copy-status");
  var works = Array.prototype.slice.call(document.querySelectorAll("li.work"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.category"));
  var total = new Set(works.map(function (li) { return li.dataset.key; })).size;

  // the same folding the page's data-search values were made with (accents, case, marks)
  function normalise(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  function apply() {
    var words = normalise(search.value).split(" ").filter(Boolean);
    var wanted = category.value;
    var filtering = words.length > 0 || wanted !== "";
    var keys = new Set();
    works.forEach(function (li) {
      var haystack = li.dataset.search;
      var inCategory = !wanted || (" " + li.dataset.path + " ").indexOf(" " + wanted + " ") >= 0;
      var visible = inCategory && words.every(function (word) {
        return haystack.indexOf(word) >= 0;
      });
      li.hidden = !visible;
      if (visible) { keys.add(li.dataset.key); }
    });
    sections.forEach(function (section) {
      section.hidden = filtering && !section.querySelector("li.work:not([hidden])");
    });
    shown.textContent = filtering ? "Showing " + keys.size + " of " + total + " works"
                                  : total + " works";
  }

  function copyByHand(text) {  // where the Clipboard API is not allowed (file://, old browsers)
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    area.remove();
    return copied;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) { return; }
    var source = button.closest(".work, .survey").querySelector("pre.bibtex");
    var text = source.textContent;
    function report(copied) {
      button.dataset.copied = copied ? "yes" : "no";
      copyStatus.textContent = copied ? "Copied the BibTeX of " + button.dataset.key + "."
        : "Copying is not allowed here: the BibTeX of " + button.dataset.key + " is shown below.";
      if (!copied) { source.closest("details") && (source.closest("details").open = true); }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { report(true); },
                                                function () { report(copyByHand(text)); });
    } else {
      report(copyByHand(text));
    }
  });

  search.addEventListener("input", apply);
  category.addEventListener("change", apply);
  apply();
}());
