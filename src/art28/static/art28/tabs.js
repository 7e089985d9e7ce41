// Tabs for a set of panels (the notice editor's one panel per language, breaches/notice.html): a
// container with data-tabs holds sections with data-tab-label; this builds an ARIA tab list before them
// and shows one panel at a time. A static file: the Content Security Policy allows no inline script.
// Without JavaScript every panel shows, one after another, each under its own heading.
(() => {
  for (const box of document.querySelectorAll("[data-tabs]")) {
    const panels = [...box.querySelectorAll(":scope > [data-tab-label]")];
    if (panels.length < 2) continue;
    const list = document.createElement("div");
    list.className = "tablist";
    list.setAttribute("role", "tablist");
    const select = (n, focus) => {
      tabs.forEach((tab, i) => {
        tab.setAttribute("aria-selected", String(i === n));
        tab.tabIndex = i === n ? 0 : -1;
        panels[i].hidden = i !== n;
      });
      if (focus) tabs[n].focus();
    };
    const tabs = panels.map((panel, i) => {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.id = `${panel.id}-tab`;
      tab.textContent = panel.dataset.tabLabel;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      tab.addEventListener("click", () => select(i));
      tab.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (step) select((i + step + panels.length) % panels.length, true);
      });
      list.append(tab);
      return tab;
    });
    box.classList.add("tabs-on");
    box.prepend(list);
    // A field the browser finds invalid in a hidden panel: show that panel, or the form cannot be sent.
    box.addEventListener("invalid", (event) => {
      const i = panels.findIndex((panel) => panel.contains(event.target));
      if (i >= 0) select(i);
    }, true);
    // After a refused save, the first panel with an error opens.
    select(Math.max(0, panels.findIndex((panel) => panel.querySelector(".errorlist"))));
  }
})();
