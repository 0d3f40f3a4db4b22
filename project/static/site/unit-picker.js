/* Unit picker: turns each <select multiple data-unit-picker> into checkboxes grouped by
   parent unit, with a search box that ignores accents ("van phong" finds "Văn phòng").
   Progressive enhancement: the select stays in the form (hidden) and carries the choice;
   without this script it works as a plain list. No inline script or style (CSP). */
(function () {
  "use strict";

  function plain(text) {
    return text
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function build(select) {
    var picker = document.createElement("div");
    picker.className = "unit-picker";
    picker.setAttribute("data-picker-for", select.name);

    var searchId = (select.id || select.name) + "-search";
    var searchLabel = document.createElement("label");
    searchLabel.setAttribute("for", searchId);
    searchLabel.textContent = select.getAttribute("data-search-label") || "Search";
    var search = document.createElement("input");
    search.type = "search";
    search.id = searchId;
    search.autocomplete = "off";
    search.setAttribute("data-unit-search", "");
    var hintId = searchId + "-hint";
    var hint = document.createElement("small");
    hint.id = hintId;
    hint.className = "muted";
    hint.textContent = select.getAttribute("data-search-hint") || "";
    search.setAttribute("aria-describedby", hintId);

    var list = document.createElement("div");
    list.className = "unit-picker-list";
    var none = document.createElement("p");
    none.className = "muted";
    none.hidden = true;
    none.setAttribute("role", "status");
    none.textContent = select.getAttribute("data-none-found") || "";

    var items = [];
    function addOption(option, container, groupText) {
      var label = document.createElement("label");
      label.className = "unit-picker-item";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = option.value;
      box.checked = option.selected;
      box.addEventListener("change", function () {
        option.selected = box.checked;
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + option.textContent));
      container.appendChild(label);
      items.push({ label: label, text: plain(option.textContent + " | " + groupText) });
    }

    var groups = [];
    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === "OPTGROUP") {
        var fieldset = document.createElement("fieldset");
        var legend = document.createElement("legend");
        legend.textContent = child.label;
        fieldset.appendChild(legend);
        var first = items.length;
        Array.prototype.forEach.call(child.children, function (option) {
          addOption(option, fieldset, child.label);
        });
        groups.push({ fieldset: fieldset, items: items.slice(first) });
        list.appendChild(fieldset);
      } else if (child.tagName === "OPTION") {
        addOption(child, list, "");
      }
    });

    search.addEventListener("input", function () {
      // the words typed, in their order, as one phrase ("van phong" is not "văn hóa … phong")
      var phrase = plain(search.value);
      var shown = 0;
      items.forEach(function (item) {
        var match = item.text.indexOf(phrase) !== -1;
        item.label.hidden = !match;
        if (match) shown += 1;
      });
      groups.forEach(function (group) {
        group.fieldset.hidden = group.items.every(function (item) {
          return item.label.hidden;
        });
      });
      none.hidden = shown > 0;
    });
    // Enter in the search box must not submit the form
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });

    picker.appendChild(searchLabel);
    picker.appendChild(search);
    picker.appendChild(hint);
    picker.appendChild(list);
    picker.appendChild(none);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(picker, select.nextSibling);
  }

  function init() {
    document.querySelectorAll("select[multiple][data-unit-picker]").forEach(build);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
