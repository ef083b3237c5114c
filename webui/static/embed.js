/*
 * vnsearch search box for other sites.
 *
 *   <div id="box"></div>
 *   <script src="https://HOST/static/embed.js" data-vnsearch-target="#box"
 *           data-placeholder="Tìm bài viết..." async></script>
 *
 * or mark any number of elements with data-vnsearch (and optionally data-placeholder,
 * data-query for a first search). The widget lives in a Shadow DOM so neither page's styles
 * reach the other, calls the API of the origin this script came from, and builds every node
 * with textContent; the one piece of server HTML, the snippet, is rebuilt from text and
 * <mark> elements only. Like the site's own pages, it shows each story once, not every reprint.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var PAGE_SIZE = 5;
  var STYLE = [
    ":host{all:initial;display:block;font-family:'Noto Sans','Segoe UI',Roboto,Arial,sans-serif;",
    "color:#1c2430;font-size:15px;line-height:1.5;}",
    "*{box-sizing:border-box;}",
    ".box{border:1px solid #dcd8cf;border-radius:8px;background:#fff;padding:12px;}",
    "form{display:flex;gap:8px;}",
    "input{flex:1;min-width:0;font:inherit;padding:8px 10px;border:1px solid #8a8f98;border-radius:6px;color:inherit;background:#fff;}",
    "button{font:inherit;font-weight:600;padding:8px 14px;border:1px solid #a3192b;border-radius:6px;background:#a3192b;color:#fff;cursor:pointer;}",
    ":focus-visible{outline:3px solid #0f62fe;outline-offset:2px;}",
    ".hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;}",
    ".status{margin:10px 0 4px;color:#4b5563;font-size:13px;}",
    "ol{list-style:none;margin:0;padding:0;}",
    "li{padding:8px 0;border-top:1px solid #eceae4;}",
    "a{color:#1b4c8c;}",
    ".title{font-weight:600;text-decoration:none;}",
    ".title:hover{text-decoration:underline;}",
    ".meta{color:#4b5563;font-size:13px;margin:2px 0;}",
    ".snippet{margin:2px 0 0;font-size:14px;}",
    "mark{background:#fde98a;color:inherit;}",
    ".more{margin:8px 0 0;font-size:14px;}"
  ].join("");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // The snippet is escaped HTML with <mark> only; rebuild it so nothing else can get through.
  function snippet(html) {
    var parsed = new DOMParser().parseFromString("<body>" + html, "text/html");
    var out = document.createDocumentFragment();
    parsed.body.childNodes.forEach(function (node) {
      var isMark = node.nodeType === 1 && node.nodeName === "MARK";
      out.appendChild(isMark ? el("mark", "", node.textContent)
                             : document.createTextNode(node.textContent));
    });
    return out;
  }

  function day(iso) {
    return iso ? iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4) : "";
  }

  function hitItem(hit) {
    var item = el("li");
    var link = el("a", "title", hit.title || "(Không có tiêu đề)");
    link.href = origin + "/articles/" + encodeURIComponent(hit.id);
    link.target = "_blank";
    link.rel = "noopener";
    item.appendChild(link);
    item.appendChild(el("div", "meta", [day(hit.published), hit.source].filter(Boolean).join(" · ")));
    var text = el("p", "snippet");
    text.appendChild(snippet(hit.snippet || ""));
    item.appendChild(text);
    return item;
  }

  function mount(host, placeholder, query) {
    if (host.shadowRoot) return;
    var root = host.attachShadow({ mode: "open" });
    root.appendChild(el("style", "", STYLE));
    var box = el("div", "box");
    var form = el("form");
    form.setAttribute("role", "search");
    var label = el("label", "hidden", "Tìm kiếm");
    label.htmlFor = "vnsearch-q";
    var input = el("input");
    input.id = "vnsearch-q";
    input.type = "search";
    input.maxLength = 500;
    input.placeholder = placeholder;
    form.append(label, input, el("button", "", "Tìm kiếm"));
    var status = el("p", "status");
    status.setAttribute("aria-live", "polite");
    var list = el("ol", "hits");
    var more = el("p", "more");
    box.append(form, status, list, more);
    root.appendChild(box);

    function run(q) {
      q = q.trim();
      if (!q) return;
      status.textContent = "Đang tìm…";
      var url = origin + "/api/search?collapse=story&page_size=" + PAGE_SIZE +
        "&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "omit", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.error) throw new Error(data.error);
          status.textContent = data.total
            ? "Tìm thấy " + data.total + (data.collapse === "story" ? " tin" : " bài viết")
            : "Không tìm thấy bài viết nào";
          list.replaceChildren.apply(list, data.hits.map(hitItem));
          more.replaceChildren();
          if (data.total > data.hits.length) {
            var all = el("a", "", "Xem tất cả kết quả trên vnsearch →");
            all.href = origin + "/search?q=" + encodeURIComponent(q);
            all.target = "_blank";
            all.rel = "noopener";
            more.appendChild(all);
          }
        })
        .catch(function () { status.textContent = "Không tìm được lúc này, vui lòng thử lại."; });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(input.value);
    });
    if (query) {
      input.value = query;
      run(query);
    }
  }

  function start() {
    var selector = script.getAttribute("data-vnsearch-target");
    var hosts = Array.prototype.slice.call(selector ? document.querySelectorAll(selector) : []);
    hosts = hosts.concat(Array.prototype.slice.call(document.querySelectorAll("[data-vnsearch]")));
    if (!hosts.length && script.parentNode) {
      hosts = [el("div")];
      script.parentNode.insertBefore(hosts[0], script.nextSibling);
    }
    hosts.forEach(function (host) {
      var placeholder = host.getAttribute("data-placeholder") ||
        script.getAttribute("data-placeholder") || "Tìm trong kho báo chí chính trị";
      mount(host, placeholder, host.getAttribute("data-query") || script.getAttribute("data-query"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
