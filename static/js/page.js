// Small behaviours any page can ask for with a data attribute (the Content-Security-Policy allows
// no inline script or event handler attributes).
(function () {
  "use strict";

  // <select data-navigate>: choosing an option opens the URL in its value.
  document.querySelectorAll("select[data-navigate]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.value) window.location.assign(select.value);
    });
  });
})();
