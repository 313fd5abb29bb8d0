(function () {
  "use strict";
  var STEP = 60;
  var data = JSON.parse(document.getElementById("dp_data").textContent);
  var form = document.getElementById("dp_filters");
  var query = document.getElementById("dp_q");
  var keyword = document.getElementById("dp_kw");
  var fresh = document.getElementById("dp_fresh");
  var order = document.getElementById("dp_order");
  var status = document.getElementById("dp_status");
  var main = document.getElementById("dp_papers");
  var more = document.getElementById("dp_more");
  var view = [];
  var at = { group: 0, paper: 0, list: null };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(className, href, text) {
    var a = el("a", className, text);
    a.href = href;
    return a;
  }

  function isNew(paper) {
    return data.last !== "" && paper[8] === data.last;
  }

  function searchText(paper) {
    if (paper.length === 11) paper.push((paper[1] + " " + paper[2] + " " + paper[7]).toLowerCase());
    return paper[11];
  }

  function row(paper) {
    var li = el("li", "paper");
    var heading = el("h3");
    if (isNew(paper)) {
      li.setAttribute("data-new", "");
      heading.appendChild(el("span", "new", "new"));
    }
    heading.appendChild(link("t", data.base + "/abs/" + paper[0], paper[1]));
    li.appendChild(heading);
    var meta = el("p", "meta");
    meta.appendChild(el("span", "a", paper[2]));
    var first = !paper[2];
    function add(part) {
      if (!first) meta.appendChild(document.createTextNode(" \u00b7 "));
      first = false;
      meta.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    }
    if (paper[3]) {
      var time = el("time", "", paper[3]);
      time.setAttribute("datetime", paper[3]);
      add(time);
    }
    if (paper[4]) add(paper[4]);
    add(link("", data.base + "/pdf/" + paper[0], "pdf"));
    paper[10].forEach(function (code) { add(link("", code[1], code[0])); });
    li.appendChild(meta);
    if (paper[5]) li.appendChild(el("p", "comment", paper[5]));
    if (paper[6]) li.appendChild(el("p", "comment", paper[6]));
    if (paper[7]) {
      var details = el("details");
      details.appendChild(el("summary", "", "Abstract"));
      details.appendChild(el("p", "abs", paper[7]));
      li.appendChild(details);
    }
    var button = el("button", "copy", "Copy BibTeX");
    button.type = "button";
    button.setAttribute("aria-label", "Copy BibTeX of " + paper[1]);
    li.appendChild(button);
    var pre = el("pre", "bib");
    pre.hidden = true;
    li.appendChild(pre);
    li.dpBib = paper[9];
    return li;
  }

  function section(group) {
    var node = el("section", "kw");
    node.id = group.slug;
    node.setAttribute("data-slug", group.slug);
    node.setAttribute("aria-labelledby", "h_" + group.slug);
    var heading = el("h2", "", group.name + " ");
    heading.id = "h_" + group.slug;
    heading.appendChild(el("span", "count", "(" + group.papers.length + ")"));
    node.appendChild(heading);
    var links = el("p", "links");
    links.appendChild(link("", "feeds/" + group.stem + ".xml", "Atom feed"));
    links.appendChild(document.createTextNode(" \u00b7 "));
    links.appendChild(link("", "bib/" + group.stem + ".bib", "BibTeX"));
    node.appendChild(links);
    if (!group.papers.length) node.appendChild(el("p", "muted", "No papers yet."));
    main.appendChild(node);
    return node;
  }

  // Only what is near the screen is built: rows are added STEP at a time as the reader scrolls.
  function render(budget) {
    while (budget > 0 && at.group < view.length) {
      var item = view[at.group];
      if (at.paper === 0) {
        var node = section(item.group);
        at.list = null;
        if (item.papers.length) at.list = node.appendChild(el("ol", "papers"));
        budget -= 1;
      }
      var fragment = document.createDocumentFragment();
      while (budget > 0 && at.paper < item.papers.length) {
        fragment.appendChild(row(item.papers[at.paper]));
        at.paper += 1;
        budget -= 1;
      }
      if (at.list) at.list.appendChild(fragment);
      if (at.paper >= item.papers.length) {
        at.group += 1;
        at.paper = 0;
      }
    }
    more.hidden = at.group >= view.length;
  }

  // data.scores[slug] holds a score per paper, in the keyword's (newest first) order; equal
  // scores keep that order, as Array.prototype.sort is stable.
  function closestFirst(group, papers) {
    var scores = (data.scores || {})[group.slug];
    if (!scores) return papers;
    if (!group.dpScore) {
      group.dpScore = new Map();
      group.papers.forEach(function (paper, i) { group.dpScore.set(paper, scores[i] || 0); });
    }
    return papers.slice().sort(function (a, b) {
      return group.dpScore.get(b) - group.dpScore.get(a);
    });
  }

  function apply(report) {
    var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    var chosen = keyword.value;
    var onlyFresh = fresh.checked;
    var filtering = words.length > 0 || onlyFresh;
    var shown = 0;
    view = [];
    data.keywords.forEach(function (group) {
      if (chosen && group.slug !== chosen) return;
      var papers = !filtering ? group.papers : group.papers.filter(function (paper) {
        if (onlyFresh && !isNew(paper)) return false;
        var text = words.length ? searchText(paper) : "";
        return words.every(function (w) { return text.indexOf(w) !== -1; });
      });
      if (order && order.value === "closest") papers = closestFirst(group, papers);
      shown += papers.length;
      if (papers.length || !filtering) view.push({ group: group, papers: papers });
    });
    main.textContent = "";
    at = { group: 0, paper: 0, list: null };
    render(STEP);
    if (report) status.textContent = shown + (shown === 1 ? " paper" : " papers") + " shown";
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
      pre.textContent = button.parentNode.dpBib;
      pre.hidden = false;
      status.textContent = "Could not copy: the BibTeX entry is shown below the button";
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) return;
    var text = button.parentNode.dpBib;
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

  function fromHash() {
    // Any fragment may arrive in a link ("#50%"); one that does not decode is no keyword.
    var slug = location.hash.slice(1);
    try { slug = decodeURIComponent(slug); } catch (error) { /* keep it as written */ }
    var known = data.keywords.some(function (group) { return group.slug === slug; });
    if (!known || keyword.value === slug) return false;
    keyword.value = slug;
    return true;
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  query.addEventListener("input", function () { apply(true); });
  keyword.addEventListener("change", function () { apply(true); });
  fresh.addEventListener("change", function () { apply(true); });
  if (order) order.addEventListener("change", function () { apply(true); });
  more.addEventListener("click", function () { render(STEP); });
  window.addEventListener("hashchange", function () { if (fromHash()) apply(true); });
  if ("IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) render(STEP);
    }, { rootMargin: "1500px 0px" }).observe(more);
  }
  form.hidden = false;
  fromHash();
  apply(Boolean(query.value || keyword.value || fresh.checked));
  // Lower-casing 50,000 abstracts takes a tenth of a second: done once the page is idle, so
  // that the first search does not wait for it (a search typed sooner does it itself).
  (window.requestIdleCallback || function (f) { return setTimeout(f, 200); })(function () {
    data.keywords.forEach(function (group) { group.papers.forEach(searchText); });
  });
})();
