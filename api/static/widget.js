/*
 * Trợ lý ảo thủ tục hành chính — web chat widget. No dependencies, no CDN.
 * Embed with one line:  <script src="https://<api host>/widget.js" defer></script>
 * Optional: data-api="https://<api host>" on the script tag.
 *
 * Safety: every text goes through textContent; links are made only for http:, https:
 * and tel: URLs; nothing is ever assigned to innerHTML.
 */
(function () {
  "use strict";
  if (window.__trolyaoWidget) return;
  window.__trolyaoWidget = true;

  var script = document.currentScript;
  var API = (script && script.getAttribute("data-api")) ||
    (script && script.src ? new URL(script.src, location.href).origin : location.origin);
  var STORE_KEY = "trolyao.chat.v1";
  var MAX_STORED = 100;
  var MAX_CHARS = 1000;
  var T = {
    open: "Hỏi trợ lý ảo",
    openLabel: "Mở trợ lý ảo thủ tục hành chính",
    title: "Trợ lý ảo thủ tục hành chính",
    close: "Đóng trợ lý ảo",
    placeholder: "Nhập câu hỏi, ví dụ: làm căn cước cần giấy tờ gì",
    inputLabel: "Câu hỏi của bạn",
    send: "Gửi",
    typing: "Trợ lý đang trả lời…",
    you: "Bạn",
    bot: "Trợ lý",
    offline: "Không kết nối được tới trợ lý. Bạn vui lòng kiểm tra mạng và thử lại.",
    tooLong: "Câu hỏi quá dài (tối đa " + MAX_CHARS + " ký tự).",
    privacy: "Vui lòng không gửi số CCCD, số điện thoại, email hay số tài khoản: hệ thống tự ẩn các thông tin này. Gõ “xóa dữ liệu của tôi” để xóa lịch sử trò chuyện.",
    welcome: "Xin chào! Bạn cần hỏi về thủ tục hành chính nào? Bạn có thể gõ có dấu hoặc không dấu.",
    quick: "Gợi ý trả lời",
    helpful: "Câu trả lời có hữu ích?"
  };
  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}",
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;background:#b3261e;color:#fff;font-size:16px;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
    ".panel{position:fixed;right:16px;bottom:16px;z-index:2147483001;width:380px;max-width:calc(100vw - 32px);height:600px;max-height:calc(100vh - 32px);display:flex;flex-direction:column;background:#fff;color:#1b1b1b;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;justify-content:space-between;background:#b3261e;color:#fff;padding:12px 14px}",
    "h2{margin:0;font-size:16px}",
    ".close{background:transparent;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:4px 8px;min-width:44px;min-height:44px}",
    ".privacy{margin:0;padding:8px 14px;font-size:12px;background:#fff4e5;color:#4a3200;border-bottom:1px solid #f0d9b5}",
    ".log{list-style:none;margin:0;padding:12px;flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:8px}",
    ".msg{max-width:85%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:15px;line-height:1.4}",
    ".msg.bot{align-self:flex-start;background:#f1f1f1}",
    ".msg.user{align-self:flex-end;background:#b3261e;color:#fff}",
    ".msg a{color:#0b57d0}",
    ".who{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}",
    ".typing{padding:0 14px 6px;font-size:13px;color:#555}",
    ".quick{display:flex;flex-wrap:wrap;gap:6px;padding:0 12px 8px;max-height:35%;overflow-y:auto}",
    ".quick[hidden],.feedback[hidden]{display:none}",
    ".feedback{display:flex;align-items:center;gap:6px;padding:6px 12px;border-top:1px dashed #ddd;font-size:13px;color:#444}",
    ".feedback button{border:1px solid #666;background:#fff;color:#1b1b1b;border-radius:16px;padding:6px 12px;font-size:13px;cursor:pointer;min-height:44px}",
    ".quick button{border:1px solid #b3261e;background:#fff;color:#b3261e;border-radius:16px;padding:8px 12px;font-size:14px;cursor:pointer;min-height:44px}",
    "form{display:flex;gap:6px;padding:10px;border-top:1px solid #ddd}",
    "input{flex:1;min-width:0;font-size:16px;padding:10px;border:1px solid #888;border-radius:8px}",
    ".send{border:0;background:#b3261e;color:#fff;border-radius:8px;padding:0 16px;font-size:15px;cursor:pointer;min-height:44px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}",
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100dvh;max-height:100dvh;border-radius:0}}"
  ].join("\n");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  var LINK = /(https?:\/\/[^\s<>"'`]+|tel:\+?[0-9][0-9 .-]{2,20}[0-9])/g;
  function safeHref(candidate) {
    try {
      var url = new URL(candidate);
      if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "tel:") return url.href;
    } catch (e) { /* not a URL */ }
    return null;
  }
  /* Text with http/https/tel links; every character otherwise shown as text. */
  function renderText(target, text) {
    var last = 0, match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)]+$/, "");
      target.appendChild(document.createTextNode(text.slice(last, match.index)));
      var href = safeHref(raw);
      if (href) {
        var a = el("a", { href: href, rel: "noopener noreferrer nofollow", target: "_blank" }, raw);
        target.appendChild(a);
      } else {
        target.appendChild(document.createTextNode(raw));
      }
      last = match.index + raw.length;
      LINK.lastIndex = last;
    }
    target.appendChild(document.createTextNode(text.slice(last)));
  }

  // Ids from the browser's cryptographic generator, which plain-HTTP pages have too
  // (crypto.randomUUID needs a secure context; Math.random is guessable).
  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  // What this device keeps of the citizen's own words: never a phone number, an ID number
  // or an e-mail (the host page's storage is not ours to fill with them).
  var EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
  var PHONE = /(?:\+?84|\b0)(?:[ .-]?\d){8,10}\b/g;
  var ID_NUMBER = /\b\d{9,12}\b/g;
  function kept(text) {
    return String(text || "").replace(EMAIL, "[email]").replace(PHONE, "[SĐT]").replace(ID_NUMBER, "[số]");
  }
  function forget() {
    try { localStorage.removeItem(STORE_KEY); } catch (e) { /* blocked */ }
    state = { session_id: randomId(), messages: [] };
  }

  function load() {
    try {
      var data = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
      if (data && typeof data.session_id === "string" && Array.isArray(data.messages)) return data;
    } catch (e) { /* corrupted: start again */ }
    return { session_id: randomId(), messages: [] };
  }
  var state = load();
  function save() {
    state.messages = state.messages.slice(-MAX_STORED);
    try { localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* full or blocked */ }
  }

  var host = el("div", { id: "trolyao-widget" });
  var root = host.attachShadow({ mode: "open" });
  var style = el("style", null, CSS);
  var launcher = el("button", { class: "launcher", type: "button", "aria-label": T.openLabel,
    "aria-expanded": "false", "aria-controls": "trolyao-panel" }, T.open);
  var panel = el("section", { class: "panel", id: "trolyao-panel", role: "dialog",
    "aria-labelledby": "trolyao-title", hidden: "" });
  var header = el("header");
  var title = el("h2", { id: "trolyao-title" }, T.title);
  var close = el("button", { class: "close", type: "button", "aria-label": T.close }, "×");
  var privacy = el("p", { class: "privacy" }, T.privacy);
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": T.title });
  var typing = el("div", { class: "typing", role: "status", hidden: "" }, T.typing);
  var quick = el("div", { class: "quick", role: "group", "aria-label": T.quick });
  var feedback = el("div", { class: "feedback", role: "group", "aria-label": T.helpful, hidden: "" });
  var form = el("form", { novalidate: "" });
  var label = el("label", { class: "sr", for: "trolyao-input" }, T.inputLabel);
  var input = el("input", { id: "trolyao-input", type: "text", autocomplete: "off",
    maxlength: String(MAX_CHARS), placeholder: T.placeholder });
  var send = el("button", { class: "send", type: "submit" }, T.send);
  header.append(title, close);
  form.append(label, input, send);
  panel.append(header, privacy, log, typing, quick, feedback, form);
  root.append(style, launcher, panel);

  function addMessage(from, text) {
    var item = el("div", { class: "msg " + from });
    item.appendChild(el("span", { class: "who" }, (from === "user" ? T.you : T.bot) + ": "));
    renderText(item, String(text || ""));
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }
  // Topic buttons and the "was this helpful?" pair are two groups: the feedback never
  // looks like two more topics. The newest message stays in view above them.
  function showButtons(buttons) {
    quick.replaceChildren();
    feedback.replaceChildren();
    var topics = 0;
    var rated = 0;
    (buttons || []).slice(0, 12).forEach(function (b) {
      if (!b || typeof b.payload !== "string") return;
      var btn = el("button", { type: "button" }, String(b.title || ""));
      btn.addEventListener("click", function () { ask(String(b.title || ""), b.payload); });
      if (b.payload.indexOf("/feedback") === 0) {
        if (!rated) feedback.appendChild(el("span", null, T.helpful));
        feedback.appendChild(btn);
        rated += 1;
      } else if (topics < 10) {
        quick.appendChild(btn);
        topics += 1;
      }
    });
    quick.hidden = !topics;
    feedback.hidden = !rated;
    log.scrollTop = log.scrollHeight;
  }
  function record(from, text, buttons) {
    state.messages.push({ from: from, text: from === "user" ? kept(text) : String(text || ""),
      buttons: buttons || [] });
    save();
  }

  function messageId() { return randomId(); }
  // "Câu trả lời có hữu ích?" is asked once, by the feedback bar, never also as a bubble
  function onlyFeedback(buttons) {
    return Array.isArray(buttons) && buttons.length > 0 && buttons.every(function (b) {
      return b && typeof b.payload === "string" && b.payload.indexOf("/feedback") === 0;
    });
  }
  function later(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  function post(body, attempt) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 15000);
    return fetch(API + "/api/chat/messages", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body), signal: controller.signal
    }).then(function (response) {
      clearTimeout(timer);
      if (response.status === 503 && attempt < 1) {
        return later(1500).then(function () { return post(body, attempt + 1); });
      }
      return response.json().catch(function () { return {}; });
    }, function (error) {
      clearTimeout(timer);
      if (attempt < 1) return later(1500).then(function () { return post(body, attempt + 1); });
      throw error;
    });
  }

  var busy = false;
  function ask(shown, text) {
    text = String(text || "").trim();
    if (!text || busy) return;
    if (text.length > MAX_CHARS) { addMessage("bot", T.tooLong); return; }
    busy = true;
    addMessage("user", shown);
    record("user", shown);
    showButtons([]);
    typing.hidden = false;
    // One id per message: a retry (engine busy, network cut) carries it, so the
    // assistant answers the first attempt instead of starting a second turn.
    post({ session_id: state.session_id, text: text, message_id: messageId() }, 0).then(function (body) {
      var messages = Array.isArray(body.messages) ? body.messages : [];
      if (body.clear_history === true) {
        // the citizen's data was deleted: this device forgets the conversation and its id too
        forget();
        save();
        while (log.firstChild) log.removeChild(log.firstChild);
      }
      if (!messages.length) messages = [{ text: T.offline, buttons: [] }];
      var buttons = [];
      messages.forEach(function (m) {
        if (m.text && !onlyFeedback(m.buttons)) { addMessage("bot", m.text); }
        if (Array.isArray(m.buttons)) buttons = buttons.concat(m.buttons);
        record("bot", m.text, m.buttons);
      });
      showButtons(buttons);
    }).catch(function () {
      addMessage("bot", T.offline);
      record("bot", T.offline);
    }).then(function () {
      typing.hidden = true;
      busy = false;
      input.focus();
    });
  }

  function open() {
    panel.hidden = false;
    log.scrollTop = log.scrollHeight;  // the newest messages, also after a reload
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true; save();
    input.focus();
  }
  function hide() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false; save();
    launcher.focus();
  }
  launcher.addEventListener("click", open);
  close.addEventListener("click", hide);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { hide(); return; }
    if (e.key !== "Tab") return;
    // Focus stays in the open panel: on a phone it covers the page behind it.
    var items = Array.prototype.filter.call(
      panel.querySelectorAll("button, input, a[href]"),
      function (node) { return !node.disabled && node.offsetParent !== null; }
    );
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    if (e.shiftKey && root.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && root.activeElement === last) { e.preventDefault(); first.focus(); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    ask(text, text);
  });

  if (state.messages.length) {
    state.messages.forEach(function (m) {
      if (!onlyFeedback(m.buttons)) addMessage(m.from === "user" ? "user" : "bot", m.text);
    });
    var trailing = [];
    for (var i = state.messages.length - 1; i >= 0 && state.messages[i].from !== "user"; i--) {
      trailing = (state.messages[i].buttons || []).concat(trailing);
    }
    showButtons(trailing);
  } else {
    addMessage("bot", T.welcome);
  }
  (document.body || document.documentElement).appendChild(host);
  if (state.open) open();

  // A returning citizen hears, once, what happened while away: a hand-off request that
  // an official has closed since (Telegram and Zalo are told at once, the web on return).
  if (state.messages.length) {
    fetch(API + "/api/chat/notices", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_id: state.session_id })
    }).then(function (response) { return response.ok ? response.json() : {}; }).then(function (body) {
      (Array.isArray(body.messages) ? body.messages : []).forEach(function (m) {
        if (!m || !m.text) return;
        addMessage("bot", m.text);
        record("bot", m.text, []);
      });
    }).catch(function () { /* offline: told on a later visit */ });
  }
})();
