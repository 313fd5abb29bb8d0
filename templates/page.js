(function () {
  "use strict";
  var form = document.getElementById("filters");
  var query = document.getElementById("q");
  var keyword = document.getElementById("kw");
  var fresh = document.getElementById("fresh");
  var status = document.getElementById("status");
  var index = null;

  function build() {
    index = Array.prototype.map.call(document.querySelectorAll("section.kw"), function (section) {
      var papers = Array.prototype.map.call(section.querySelectorAll("li.paper"), function (li) {
        var text = ["t", "a", "abs"].map(function (name) {
          var el = li.querySelector("." + name);
          return el ? el.textContent : "";
        }).join(" ").toLowerCase();
        return { li: li, text: text, fresh: li.hasAttribute("data-new") };
      });
      return { section: section, slug: section.getAttribute("data-slug"), papers: papers };
    });
  }

  function apply() {
    if (!index) build();
    var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    var chosen = keyword.value;
    var onlyFresh = fresh.checked;
    var filtering = words.length > 0 || onlyFresh;
    var shown = 0;
    index.forEach(function (group) {
      var wanted = !chosen || group.slug === chosen;
      var any = false;
      group.papers.forEach(function (paper) {
        var ok = wanted && (!onlyFresh || paper.fresh) && words.every(function (w) {
          return paper.text.indexOf(w) !== -1;
        });
        if (paper.li.hidden === ok) paper.li.hidden = !ok;
        if (ok) { any = true; shown += 1; }
      });
      var visible = any || (wanted && !filtering);
      if (group.section.hidden === visible) group.section.hidden = !visible;
    });
    status.textContent = shown + (shown === 1 ? " paper" : " papers") + " shown";
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copied(button, ok) {
    var pre = button.parentNode.querySelector("pre.bib");
    button.focus();
    if (ok) {
      status.textContent = "BibTeX copied";
    } else {
      pre.hidden = false;
      status.textContent = "Could not copy: the BibTeX entry is shown below the button";
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) return;
    var text = button.parentNode.querySelector("pre.bib").textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        copied(button, true);
      }, function () {
        copied(button, fallbackCopy(text));
      });
    } else {
      copied(button, fallbackCopy(text));
    }
  });

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  query.addEventListener("input", apply);
  keyword.addEventListener("change", apply);
  fresh.addEventListener("change", apply);
  form.hidden = false;
  if (query.value || keyword.value || fresh.checked) apply();
})();
