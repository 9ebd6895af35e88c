/* A file input speaks the browser's language ("Choose Files", "No file chosen"), not the
   page's. Where this script runs, the native input is hidden from sight (it keeps its label,
   its focus and its place in the form) and a button and a line in the page's language stand
   in for it. Without JavaScript the native input stays as it is. */
(function () {
  "use strict";
  var script = document.currentScript;
  var words = {
    choose: script.dataset.choose,
    chooseMany: script.dataset.chooseMany,
    none: script.dataset.none,
    many: script.dataset.many
  };
  function enhance(input) {
    var box = document.createElement("div");
    var button = document.createElement("button");
    var status = document.createElement("p");
    box.className = "file-pick";
    button.type = "button";
    button.className = "secondary file-pick-button";
    button.textContent = input.multiple ? words.chooseMany : words.choose;
    /* The input itself is what keyboards and screen readers use, with its label. */
    button.tabIndex = -1;
    button.setAttribute("aria-hidden", "true");
    status.className = "file-pick-status";
    status.setAttribute("aria-live", "polite");
    status.textContent = words.none;
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    box.appendChild(button);
    box.appendChild(status);
    input.classList.add("file-pick-input");
    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      var files = input.files || [];
      if (files.length === 0) {
        status.textContent = words.none;
      } else if (files.length === 1) {
        status.textContent = files[0].name;
      } else {
        status.textContent = words.many.replace("{count}", files.length);
      }
    });
  }
  document.querySelectorAll("input[type=file]").forEach(enhance);
})();
