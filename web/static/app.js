// skillcert web UI: document uploads straight to object storage (presigned POST with a progress bar),
// the document viewer's zoom, and confirmation of destructive forms. Loaded with the page's CSP nonce; no inline handlers.
(function () {
  "use strict";
  function csrf() { return document.body.dataset.csrf; }

  async function postJSON(url, body) {
    const r = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: body ? JSON.stringify(body) : null,
    });
    let data = {};
    try { data = await r.json(); } catch (e) { data = {}; }
    if (!r.ok) { throw new Error(data.message || "操作失败（" + r.status + "）"); }
    return data;
  }

  function sendToStorage(up, file, progress) {
    return new Promise(function (resolve, reject) {
      const xhr = new XMLHttpRequest();
      xhr.open(up.method || "POST", up.upload_url);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { progress.value = Math.round(100 * e.loaded / e.total); }
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) { resolve(); } else { reject(new Error("文件上传失败（存储服务返回 " + xhr.status + "）")); }
      };
      xhr.onerror = function () { reject(new Error("文件上传失败，请检查网络后重试")); };
      if ((up.method || "POST") === "PUT") {
        Object.entries(up.headers || {}).forEach(function (kv) { xhr.setRequestHeader(kv[0], kv[1]); });
        xhr.send(file);
        return;
      }
      const form = new FormData();
      Object.entries(up.fields || {}).forEach(function (kv) { form.append(kv[0], kv[1]); });
      form.append("file", file);
      xhr.send(form);
    });
  }

  async function upload(input) {
    const list = input.closest("[data-app]");
    const box = input.closest(".upload");
    const msg = box.querySelector(".upload-msg");
    const progress = box.querySelector("progress");
    const file = input.files[0];
    if (!file) { return; }
    input.disabled = true;
    progress.hidden = false; progress.value = 0;
    msg.className = "upload-msg"; msg.textContent = "正在上传 " + file.name + " …";
    const app = list.dataset.app;
    try {
      const up = await postJSON("/a/" + app + "/docs", {
        doc_type: input.dataset.doc, filename: file.name,
        content_type: file.type || "application/octet-stream", size: file.size,
      });
      await sendToStorage(up, file, progress);
      msg.textContent = "已上传，正在检查文件 …";
      await postJSON("/a/" + app + "/docs/" + up.document_id + "/complete");
      msg.textContent = "检查通过";
      if (window.htmx) {
        window.htmx.ajax("GET", "/a/" + app + "/checklist", { target: "#checklist", swap: "outerHTML" });
      }
    } catch (e) {
      msg.className = "upload-msg err"; msg.textContent = e.message;
      input.disabled = false; input.value = "";
    }
  }

  document.addEventListener("change", function (e) {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.type === "file" && t.dataset.doc) { upload(t); }
  });
  // The review screen's document viewer zooms by steps, from its buttons or with +, - and 0 while it
  // has the focus. The frame is scaled (PDFs and images alike); the box scrolls.
  const zoomSteps = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];
  function zoom(action) {
    const box = document.getElementById("viewer-box");
    if (!box) { return; }
    let i = zoomSteps.indexOf(Number(box.dataset.zoom));
    if (i < 0) { i = 2; }
    if (action === "in") { i = Math.min(i + 1, zoomSteps.length - 1); }
    else if (action === "out") { i = Math.max(i - 1, 0); }
    else { i = 2; }
    const z = zoomSteps[i];
    box.dataset.zoom = String(z);
    box.firstElementChild.style.transform = z === 1 ? "" : "scale(" + z + ")";
    document.getElementById("zoom-level").textContent = Math.round(z * 100) + "%";
  }
  document.addEventListener("click", function (e) {
    const b = e.target instanceof Element && e.target.closest("button[data-zoom]");
    if (b) { zoom(b.dataset.zoom); }
  });
  document.addEventListener("keydown", function (e) {
    if (!(e.target instanceof Element) || e.target.id !== "viewer-box" || e.ctrlKey || e.metaKey || e.altKey) { return; }
    const action = { "+": "in", "=": "in", "-": "out", "0": "reset" }[e.key];
    if (action) { e.preventDefault(); zoom(action); }
  });
  document.addEventListener("submit", function (e) {
    const f = e.target;
    if (f instanceof HTMLFormElement && f.dataset.confirm && !window.confirm(f.dataset.confirm)) { e.preventDefault(); }
  });
})();
