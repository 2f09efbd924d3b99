/* Filing form: when the district changes, fetch that district's upazilas and refill the list.
   Without JavaScript the form still works: the list is the district chosen in step 1. */
(function () {
  "use strict";
  // After a refused submission, take keyboard and screen-reader users straight to the errors.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  var form = document.querySelector("form[data-upazila-url]");
  if (!form) { return; }
  var district = form.querySelector("select[name=district]");
  var upazila = form.querySelector("select[name=upazila]");
  if (!district || !upazila) { return; }
  var emptyLabel = upazila.options.length ? upazila.options[0].text : "";

  district.addEventListener("change", function () {
    var url = form.getAttribute("data-upazila-url") + "?district=" + encodeURIComponent(district.value);
    upazila.disabled = true;
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { upazilas: [] }; })
      .then(function (data) {
        while (upazila.options.length) { upazila.remove(0); }
        upazila.add(new Option(emptyLabel, ""));
        data.upazilas.forEach(function (item) { upazila.add(new Option(item.name, item.id)); });
      })
      .catch(function () { /* keep the old list; the server checks the pair anyway */ })
      .then(function () { upazila.disabled = false; });
  });
}());
